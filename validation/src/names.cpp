#include <secondline/validation/names.h>

#include <array>
#include <cstdint>

namespace secondline::validation {

namespace {

/// Decodes one UTF-8 code point; advances `i`. Malformed bytes give U+FFFD.
char32_t next(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i++]);
    if (b0 < 0x80) return b0;
    int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : -1;
    if (extra < 0 || b0 > 0xF4) return 0xFFFD;
    char32_t cp = b0 & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size()) return 0xFFFD;
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (b & 0x3F);
        ++i;
    }
    return cp;
}

struct Mapping {
    char32_t from;
    const char* primary;   // Doc 9303 recommended
    const char* alternate; // also acceptable, or nullptr
    const char* third = nullptr;
};

// Doc 9303 Part 3, Section 6: Latin characters with diacritics and other national characters, upper and
// lower case; Cyrillic (Table B) and Greek. Sorted by code point.
constexpr Mapping kMappings[] = {
    {U'ß', "SS", nullptr},
    {U'À', "A", nullptr},
    {U'Á', "A", nullptr},
    {U'Â', "A", nullptr},
    {U'Ã', "A", nullptr},
    {U'Ä', "AE", "A", "AXX"},
    {U'Å', "AA", "A"},
    {U'Æ', "AE", nullptr},
    {U'Ç', "C", nullptr},
    {U'È', "E", nullptr},
    {U'É', "E", nullptr},
    {U'Ê', "E", nullptr},
    {U'Ë', "E", nullptr},
    {U'Ì', "I", nullptr},
    {U'Í', "I", nullptr},
    {U'Î', "I", nullptr},
    {U'Ï', "I", nullptr},
    {U'Ð', "D", nullptr},
    {U'Ñ', "N", "NXX"},
    {U'Ò', "O", nullptr},
    {U'Ó', "O", nullptr},
    {U'Ô', "O", nullptr},
    {U'Õ', "O", nullptr},
    {U'Ö', "OE", "O", "OXX"},
    {U'Ø', "OE", nullptr},
    {U'Ù', "U", nullptr},
    {U'Ú', "U", nullptr},
    {U'Û', "U", nullptr},
    {U'Ü', "UE", "U", "UXX"},
    {U'Ý', "Y", nullptr},
    {U'Þ', "TH", nullptr},
    {U'Ā', "A", nullptr},
    {U'Ă', "A", nullptr},
    {U'Ą', "A", nullptr},
    {U'Ć', "C", nullptr},
    {U'Ĉ', "C", nullptr},
    {U'Ċ', "C", nullptr},
    {U'Č', "C", nullptr},
    {U'Ď', "D", nullptr},
    {U'Đ', "D", nullptr},
    {U'Ē', "E", nullptr},
    {U'Ĕ', "E", nullptr},
    {U'Ė', "E", nullptr},
    {U'Ę', "E", nullptr},
    {U'Ě', "E", nullptr},
    {U'Ĝ', "G", nullptr},
    {U'Ğ', "G", nullptr},
    {U'Ġ', "G", nullptr},
    {U'Ģ', "G", nullptr},
    {U'Ĥ', "H", nullptr},
    {U'Ħ', "H", nullptr},
    {U'Ĩ', "I", nullptr},
    {U'Ī', "I", nullptr},
    {U'Ĭ', "I", nullptr},
    {U'Į', "I", nullptr},
    {U'İ', "I", nullptr},
    {U'ı', "I", nullptr},
    {U'Ĳ', "IJ", nullptr},
    {U'Ĵ', "J", nullptr},
    {U'Ķ', "K", nullptr},
    {U'ĸ', "K", nullptr},
    {U'Ĺ', "L", nullptr},
    {U'Ļ', "L", nullptr},
    {U'Ľ', "L", nullptr},
    {U'Ŀ', "L", nullptr},
    {U'Ł', "L", nullptr},
    {U'Ń', "N", nullptr},
    {U'Ņ', "N", nullptr},
    {U'Ň', "N", nullptr},
    {U'ŉ', "N", nullptr},
    {U'Ŋ', "N", nullptr},
    {U'Ō', "O", nullptr},
    {U'Ŏ', "O", nullptr},
    {U'Ő', "O", nullptr},
    {U'Œ', "OE", nullptr},
    {U'Ŕ', "R", nullptr},
    {U'Ŗ', "R", nullptr},
    {U'Ř', "R", nullptr},
    {U'Ś', "S", nullptr},
    {U'Ŝ', "S", nullptr},
    {U'Ş', "S", nullptr},
    {U'Š', "S", nullptr},
    {U'Ţ', "T", nullptr},
    {U'Ť', "T", nullptr},
    {U'Ŧ', "T", nullptr},
    {U'Ũ', "U", nullptr},
    {U'Ū', "U", nullptr},
    {U'Ŭ', "U", nullptr},
    {U'Ů', "U", nullptr},
    {U'Ű', "U", nullptr},
    {U'Ų', "U", nullptr},
    {U'Ŵ', "W", nullptr},
    {U'Ŷ', "Y", nullptr},
    {U'Ÿ', "Y", nullptr},
    {U'Ź', "Z", nullptr},
    {U'Ż', "Z", nullptr},
    {U'Ž', "Z", nullptr},
    {U'Ș', "S", nullptr},
    {U'Ț', "T", nullptr},
    // Greek
    {U'Ά', "A", nullptr},
    {U'Έ', "E", nullptr},
    {U'Ή', "I", nullptr},
    {U'Ί', "I", nullptr},
    {U'Ό', "O", nullptr},
    {U'Ύ', "Y", nullptr},
    {U'Ώ', "O", nullptr},
    {U'Α', "A", nullptr},
    {U'Β', "V", nullptr},
    {U'Γ', "G", nullptr},
    {U'Δ', "D", nullptr},
    {U'Ε', "E", nullptr},
    {U'Ζ', "Z", nullptr},
    {U'Η', "I", nullptr},
    {U'Θ', "TH", nullptr},
    {U'Ι', "I", nullptr},
    {U'Κ', "K", nullptr},
    {U'Λ', "L", nullptr},
    {U'Μ', "M", nullptr},
    {U'Ν', "N", nullptr},
    {U'Ξ', "X", "KS"},
    {U'Ο', "O", nullptr},
    {U'Π', "P", nullptr},
    {U'Ρ', "R", nullptr},
    {U'Σ', "S", nullptr},
    {U'Τ', "T", nullptr},
    {U'Υ', "Y", nullptr},
    {U'Φ', "F", nullptr},
    {U'Χ', "CH", "X"},
    {U'Ψ', "PS", nullptr},
    {U'Ω', "O", nullptr},
    {U'Ϊ', "I", nullptr},
    {U'Ϋ', "Y", nullptr},
    // Cyrillic (Doc 9303 Part 3, Table B)
    {U'Ѐ', "E", nullptr},
    {U'Ё', "E", nullptr},
    {U'Ђ', "D", nullptr},
    {U'Ѓ', "G", nullptr},
    {U'Є', "IE", nullptr},
    {U'Ѕ', "DZ", nullptr},
    {U'І', "I", nullptr},
    {U'Ї', "I", nullptr},
    {U'Ј', "J", nullptr},
    {U'Љ', "LJ", nullptr},
    {U'Њ', "NJ", nullptr},
    {U'Ћ', "C", nullptr},
    {U'Ќ', "K", nullptr},
    {U'Ѝ', "I", nullptr},
    {U'Ў', "U", nullptr},
    {U'Џ', "DZ", nullptr},
    {U'А', "A", nullptr},
    {U'Б', "B", nullptr},
    {U'В', "V", nullptr},
    {U'Г', "G", nullptr},
    {U'Д', "D", nullptr},
    {U'Е', "E", nullptr},
    {U'Ж', "ZH", nullptr},
    {U'З', "Z", nullptr},
    {U'И', "I", nullptr},
    {U'Й', "I", nullptr},
    {U'К', "K", nullptr},
    {U'Л', "L", nullptr},
    {U'М', "M", nullptr},
    {U'Н', "N", nullptr},
    {U'О', "O", nullptr},
    {U'П', "P", nullptr},
    {U'Р', "R", nullptr},
    {U'С', "S", nullptr},
    {U'Т', "T", nullptr},
    {U'У', "U", nullptr},
    {U'Ф', "F", nullptr},
    {U'Х', "KH", nullptr},
    {U'Ц', "TS", nullptr},
    {U'Ч', "CH", nullptr},
    {U'Ш', "SH", nullptr},
    {U'Щ', "SHCH", nullptr},
    {U'Ъ', "IE", nullptr},
    {U'Ы', "Y", nullptr},
    {U'Ь', "", nullptr},
    {U'Э', "E", nullptr},
    {U'Ю', "IU", nullptr},
    {U'Я', "IA", nullptr},
    {U'Ґ', "G", nullptr},
};

/// Upper case for the Latin-1, Latin Extended-A, Greek and Cyrillic letters in the table.
char32_t upper(char32_t c) {
    if (c >= U'a' && c <= U'z') return c - 32;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;                 // Latin-1
    if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149) { // Latin Extended-A pairs
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 0) ? c - 1 : c;
        return (c % 2 == 1) ? c - 1 : c;
    }
    if (c == 0x219 || c == 0x21B) return c - 1;                // ș ț
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32; // Greek
    if (c == 0x3C2) return 0x3A3;                              // final sigma
    if (c == 0x3AC) return 0x386;
    if (c >= 0x3AD && c <= 0x3AF) return c - 37;
    if (c == 0x3CC) return 0x38C;
    if (c == 0x3CD || c == 0x3CE) return c - 63;
    if (c >= 0x430 && c <= 0x44F) return c - 32; // Cyrillic
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    if (c == 0x491) return 0x490;
    return c;
}

const Mapping* find(char32_t c) {
    for (const auto& m : kMappings)
        if (m.from == c) return &m;
    return nullptr;
}

} // namespace

std::vector<std::string> transliterate(std::string_view utf8Name, std::size_t maxVariants) {
    std::vector<std::string> variants{std::string{}};
    if (maxVariants == 0) maxVariants = 1;
    std::size_t i = 0;
    while (i < utf8Name.size()) {
        const char32_t c = upper(next(utf8Name, i));
        std::vector<std::string> options;
        // Greek digraphs: ΟΥ is OU; ΑΥ and ΕΥ are AV/EV or AF/EF depending on what follows.
        char32_t following = 0;
        std::size_t afterPair = i;
        if (i < utf8Name.size()) following = upper(next(utf8Name, afterPair));
        const bool upsilonNext = following == U'Υ' || following == U'Ύ';
        if (upsilonNext && (c == U'Ο' || c == U'Ό')) {
            options = {"OU"};
            i = afterPair;
        } else if (upsilonNext && (c == U'Α' || c == U'Ά' || c == U'Ε' || c == U'Έ')) {
            const std::string v = (c == U'Α' || c == U'Ά') ? "A" : "E";
            options = {v + "V", v + "F", v + "Y"};
            i = afterPair;
        } else if (c == U'Γ' && (following == U'Γ' || following == U'Κ')) {
            options =
                following == U'Γ' ? std::vector<std::string>{"NG", "GG"} : std::vector<std::string>{"GK", "NK", "G"};
            i = afterPair;
        } else if (c == U'Μ' && following == U'Π') {
            options = {"MP", "B"};
            i = afterPair;
        } else if (c == U'Ν' && following == U'Τ') {
            options = {"NT", "D"};
            i = afterPair;
        } else if ((c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9')) {
            options.emplace_back(1, static_cast<char>(c));
        } else if (c == U' ' || c == U'-' || c == U',' || c == U'<' || c == U'\t') {
            options.emplace_back("<");
        } else if (c == U'\'' || c == U'\u2019' || c == U'.' || c == U'`') {
            options.emplace_back("");
        } else if (const Mapping* m = find(c)) {
            options.emplace_back(m->primary);
            if (m->alternate) options.emplace_back(m->alternate);
            if (m->third) options.emplace_back(m->third);
        } else {
            options.emplace_back("?");
        }
        std::vector<std::string> grown;
        for (const auto& v : variants)
            for (const auto& o : options)
                if (grown.size() < maxVariants) grown.push_back(v + o);
        variants = std::move(grown);
    }
    // Runs of fillers collapse to one; none at either end.
    for (auto& v : variants) {
        std::string out;
        for (char ch : v) {
            if (ch == '<' && (out.empty() || out.back() == '<')) continue;
            out += ch;
        }
        while (!out.empty() && out.back() == '<') out.pop_back();
        v = std::move(out);
    }
    return variants;
}

NameMatch compareName(std::string_view visualUtf8, std::string_view mrzText, bool mrzFieldFull) {
    std::string mrz(mrzText);
    while (!mrz.empty() && mrz.back() == '<') mrz.pop_back();
    bool truncated = false;
    for (const auto& form : transliterate(visualUtf8)) {
        if (form == mrz) return NameMatch::Match;
        if (mrzFieldFull && !mrz.empty() && form.size() > mrz.size() && form.compare(0, mrz.size(), mrz) == 0)
            truncated = true;
    }
    return truncated ? NameMatch::TruncatedMatch : NameMatch::Mismatch;
}

} // namespace secondline::validation
