#include <secondline/validation/check_digit.h>
#include <secondline/validation/correction.h>

#include "layout.h"

#include <algorithm>
#include <array>

namespace secondline::validation {

using core::ErrorCode;
using core::fail;
using detail::CharClass;

namespace {

// Groups of characters OCR-B readers confuse.
constexpr std::array<std::string_view, 8> kGroups = {"0ODQ", "1I", "2Z", "5S", "6G", "8B", "4A", "7T"};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isLetter(char c) {
    return c >= 'A' && c <= 'Z';
}

bool allowed(char c, CharClass cls) {
    if (c == '<') return true;
    switch (cls) {
    case CharClass::Digit: return isDigit(c);
    case CharClass::Letter: return isLetter(c);
    case CharClass::AlphaNum: return isDigit(c) || isLetter(c);
    }
    return false;
}

struct Position {
    int line;
    int column;
};

/// Check digit status of one check over `lines`.
bool checkPasses(const std::vector<std::string>& lines, const detail::CheckGeometry& g) {
    std::string data;
    data.reserve(g.data.size());
    for (auto [l, c] : g.data) data += lines[static_cast<std::size_t>(l)][static_cast<std::size_t>(c)];
    const char digit = lines[static_cast<std::size_t>(g.digit.first)][static_cast<std::size_t>(g.digit.second)];
    if (digit == '<' && data.find_first_not_of('<') == std::string::npos) return true;
    const auto expected = computeCheckDigit(data);
    return expected && *expected == digit;
}

} // namespace

std::string lookalikes(char c, bool digitsAllowed, bool lettersAllowed) {
    std::string out;
    for (std::string_view group : kGroups) {
        if (group.find(c) == std::string_view::npos) continue;
        for (char o : group)
            if (o != c && ((digitsAllowed && isDigit(o)) || (lettersAllowed && isLetter(o)))) out += o;
    }
    return out;
}

core::Result<Correction> correctMrz(const std::vector<std::vector<ReadCharacter>>& reading,
                                    const CorrectionOptions& options) {
    Correction result;
    for (const auto& line : reading) {
        std::string text;
        for (const auto& ch : line) text += ch.best;
        result.lines.push_back(std::move(text));
    }
    auto format = detectFormat(result.lines);
    if (!format) return fail(format.error());
    const auto& checks = detail::checkGeometry(*format);
    const bool hasComposite =
        std::any_of(checks.begin(), checks.end(), [](const detail::CheckGeometry& g) { return g.composite; });
    auto charAt = [&](int l, int c) -> const ReadCharacter& {
        return reading[static_cast<std::size_t>(l)][static_cast<std::size_t>(c)];
    };
    auto unsure = [&](int l, int c) {
        const ReadCharacter& ch = charAt(l, c);
        return ch.confidence < options.unsureBelow || !allowed(ch.best, detail::charClassAt(*format, l, c));
    };

    // 1. A character impossible for its field is certainly misread: it becomes the OCR's second choice when
    //    that is a lookalike of the right type, otherwise the closest lookalike of the right type (a digit 0
    //    in a name is the letter O, a letter O or D in a date the digit 0).
    for (int l = 0; l < static_cast<int>(result.lines.size()); ++l) {
        for (int c = 0; c < static_cast<int>(result.lines[static_cast<std::size_t>(l)].size()); ++c) {
            const CharClass cls = detail::charClassAt(*format, l, c);
            char& ch = result.lines[static_cast<std::size_t>(l)][static_cast<std::size_t>(c)];
            if (allowed(ch, cls)) continue;
            const std::string options1 = lookalikes(ch, cls != CharClass::Letter, cls != CharClass::Digit);
            if (options1.empty()) continue;
            const char second = charAt(l, c).second;
            const char to = second != 0 && options1.find(second) != std::string::npos ? second : options1[0];
            result.substitutions.push_back({l + 1, c + 1, ch, to, "field_type"});
            ch = to;
        }
    }

    // 1b. O and 0 are the one pair OCR-B barely tells apart (same width, the digit 6% taller). In a field
    //     that allows both, an unsure one between two digits is 0 and between two letters O. Where check
    //     digits cover the position, the change stands only if it makes all of them pass.
    auto covering = [&](int l, int c) {
        std::vector<const detail::CheckGeometry*> out;
        for (const auto& g : checks)
            for (auto [gl, gc] : g.data)
                if (gl == l && gc == c) {
                    out.push_back(&g);
                    break;
                }
        return out;
    };
    for (int l = 0; l < static_cast<int>(result.lines.size()); ++l) {
        auto& text = result.lines[static_cast<std::size_t>(l)];
        const int width = static_cast<int>(text.size());
        for (int c = 1; c + 1 < width; ++c) {
            char& ch = text[static_cast<std::size_t>(c)];
            if ((ch != 'O' && ch != '0') || detail::charClassAt(*format, l, c) != CharClass::AlphaNum ||
                detail::charClassAt(*format, l, c - 1) != CharClass::AlphaNum ||
                detail::charClassAt(*format, l, c + 1) != CharClass::AlphaNum ||
                charAt(l, c).confidence >= options.unsureBelow)
                continue;
            const char before = text[static_cast<std::size_t>(c - 1)], after = text[static_cast<std::size_t>(c + 1)];
            const char to = isDigit(before) && isDigit(after) ? '0' : isLetter(before) && isLetter(after) ? 'O' : ch;
            if (to == ch) continue;
            const auto checksHere = covering(l, c);
            const bool anyFailing = std::any_of(checksHere.begin(), checksHere.end(),
                                                [&](const auto* g) { return !checkPasses(result.lines, *g); });
            const char was = ch;
            ch = to;
            const bool allPass = std::all_of(checksHere.begin(), checksHere.end(),
                                             [&](const auto* g) { return checkPasses(result.lines, *g); });
            if (!checksHere.empty() && !(anyFailing && allPass)) {
                ch = was;
                continue;
            }
            result.substitutions.push_back({l + 1, c + 1, was, to, "context"});
        }
    }

    // 2. Each failing check: try changes at unsure positions, fewest first; apply a unique solution.
    std::size_t tried = 0;
    // Alternatives for a misread composite digit: the OCR's second choice and digit lookalikes.
    auto compositeDigitOptions = [&](const detail::CheckGeometry& g) {
        std::string opts;
        if (!unsure(g.digit.first, g.digit.second)) return opts;
        const ReadCharacter& ch = charAt(g.digit.first, g.digit.second);
        if (ch.second != 0 && isDigit(ch.second)) opts += ch.second;
        for (char o : lookalikes(ch.best, true, false))
            if (opts.find(o) == std::string::npos) opts += o;
        return opts;
    };
    // The composite passes as read, or (when its own digit is unsure) with one of that digit's alternatives.
    auto compositeOk = [&](const std::vector<std::string>& lines) {
        for (const auto& g : checks) {
            if (!g.composite || checkPasses(lines, g)) continue;
            bool rescued = false;
            for (char o : compositeDigitOptions(g)) {
                auto copy = lines;
                copy[static_cast<std::size_t>(g.digit.first)][static_cast<std::size_t>(g.digit.second)] = o;
                rescued = rescued || checkPasses(copy, g);
            }
            if (!rescued) return false;
        }
        return true;
    };
    for (const auto& g : checks) {
        if (g.composite || checkPasses(result.lines, g)) continue;
        std::vector<Position> positions;
        std::vector<std::string> choices;
        auto consider = [&](int l, int c) {
            if (!unsure(l, c)) return;
            const CharClass cls = detail::charClassAt(*format, l, c);
            const ReadCharacter& ch = charAt(l, c);
            const char current = result.lines[static_cast<std::size_t>(l)][static_cast<std::size_t>(c)];
            std::string opts;
            if (ch.second != 0 && ch.second != current && allowed(ch.second, cls)) opts += ch.second;
            if (hasComposite)
                for (char o : lookalikes(current, cls != CharClass::Letter, cls != CharClass::Digit))
                    if (opts.find(o) == std::string::npos) opts += o;
            if (!opts.empty()) {
                positions.push_back({l, c});
                choices.push_back(opts);
            }
        };
        for (auto [l, c] : g.data) consider(l, c);
        consider(g.digit.first, g.digit.second);

        std::vector<std::vector<std::pair<std::size_t, char>>> solutions;
        std::vector<std::pair<std::size_t, char>> current;
        // Depth-first over combinations of exactly k changes, k = 1..maxSubstitutions.
        for (int k = 1; k <= options.maxSubstitutions && solutions.empty(); ++k) {
            auto search = [&](auto& self, std::size_t from, int left) -> void {
                if (tried >= options.maxCandidates || solutions.size() > 1) return;
                if (left == 0) {
                    ++tried;
                    auto lines = result.lines;
                    for (auto [i, ch] : current)
                        lines[static_cast<std::size_t>(positions[i].line)]
                             [static_cast<std::size_t>(positions[i].column)] = ch;
                    if (checkPasses(lines, g) && compositeOk(lines)) solutions.push_back(current);
                    return;
                }
                for (std::size_t i = from; i < positions.size(); ++i)
                    for (char ch : choices[i]) {
                        current.emplace_back(i, ch);
                        self(self, i + 1, left - 1);
                        current.pop_back();
                    }
            };
            search(search, 0, k);
        }
        if (solutions.size() == 1) {
            for (auto [i, ch] : solutions[0]) {
                char& slot = result.lines[static_cast<std::size_t>(positions[i].line)]
                                         [static_cast<std::size_t>(positions[i].column)];
                result.substitutions.push_back(
                    {positions[i].line + 1, positions[i].column + 1, slot, ch, std::string(g.name)});
                slot = ch;
            }
        } else if (solutions.size() > 1) {
            result.ambiguous.emplace_back(g.name);
        }
    }

    // 3. A misread composite digit, once the fields it covers pass their own checks.
    for (const auto& g : checks) {
        if (!g.composite || checkPasses(result.lines, g)) continue;
        bool fieldsPass = true;
        for (const auto& f : checks)
            if (!f.composite && !checkPasses(result.lines, f)) fieldsPass = false;
        if (!fieldsPass) continue;
        std::string fixes;
        for (char o : compositeDigitOptions(g)) {
            auto copy = result.lines;
            copy[static_cast<std::size_t>(g.digit.first)][static_cast<std::size_t>(g.digit.second)] = o;
            if (checkPasses(copy, g)) fixes += o;
        }
        if (fixes.size() == 1) {
            char& slot =
                result.lines[static_cast<std::size_t>(g.digit.first)][static_cast<std::size_t>(g.digit.second)];
            result.substitutions.push_back({g.digit.first + 1, g.digit.second + 1, slot, fixes[0], "composite"});
            slot = fixes[0];
        } else if (fixes.size() > 1) {
            result.ambiguous.emplace_back(g.name);
        }
    }
    return result;
}

} // namespace secondline::validation
