#include <secondline/validation/check_digit.h>
#include <secondline/validation/mrz_writer.h>

namespace secondline::validation {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

Result<std::string> pad(std::string_view value, std::size_t width, const char* field) {
    std::string out;
    for (char c : value) {
        if (c == ' ' || c == '-') c = '<';
        if (!isMrzChar(c))
            return fail(ErrorCode::InvalidArgument,
                        std::string(field) + " has a character that is not an MRZ character");
        out += c;
    }
    if (out.size() > width) return fail(ErrorCode::InvalidArgument, std::string(field) + " is too long");
    out.append(width - out.size(), '<');
    return out;
}

std::string toFillers(std::string_view s) {
    std::string out;
    for (char c : s) out += (c == ' ' || c == '-') ? '<' : c;
    return out;
}

/// Name zone of `width`: SURNAME<<GIVEN<NAMES, truncated at the end (given names first) when too long.
Result<std::string> nameZone(const MrzFields& f, std::size_t width) {
    std::string name = toFillers(f.surname);
    if (!f.givenNames.empty()) name += "<<" + toFillers(f.givenNames);
    for (char c : name)
        if (!isMrzChar(c)) return fail(ErrorCode::InvalidArgument, "name has a character that is not an MRZ character");
    if (name.size() > width) name.resize(width);
    name.append(width - name.size(), '<');
    return name;
}

char digit(std::string_view data) {
    return computeCheckDigit(data).value_or('0');
}

} // namespace

Result<std::vector<std::string>> composeMrz(const MrzFields& f) {
    const MrzShape shape = shapeOf(f.format);
    const auto width = static_cast<std::size_t>(shape.length);
    auto code = pad(f.documentCode, 2, "document code");
    auto state = pad(f.issuingState, 3, "issuing state");
    auto nat = pad(f.nationality, 3, "nationality");
    auto birth = pad(f.birthDate, 6, "birth date");
    auto expiry = pad(f.expiryDate, 6, "expiry date");
    auto sex = pad(f.sex, 1, "sex");
    for (auto* r : {&code, &state, &nat, &birth, &expiry, &sex})
        if (!*r) return fail(r->error());

    if (f.format == MrzFormat::TD1) {
        // Document number: 9 characters, or a longer one continued in the optional data.
        std::string number = toFillers(f.documentNumber);
        std::string l1 = *code + *state;
        std::string opt1;
        if (number.size() > 9) {
            l1 += number.substr(0, 9) + "<";
            opt1 = number.substr(9) + digit(number) + "<" + toFillers(f.optionalData);
        } else {
            auto n = pad(number, 9, "document number");
            if (!n) return fail(n.error());
            l1 += *n + digit(*n);
            opt1 = toFillers(f.optionalData);
        }
        auto o1 = pad(opt1, 15, "optional data");
        if (!o1) return fail(o1.error());
        l1 += *o1;
        auto o2 = pad(f.optionalData2, 11, "optional data 2");
        if (!o2) return fail(o2.error());
        std::string l2 = *birth + digit(*birth) + *sex + *expiry + digit(*expiry) + *nat + *o2;
        const std::string composite = l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11);
        l2 += digit(composite);
        auto l3 = nameZone(f, 30);
        if (!l3) return fail(l3.error());
        return std::vector<std::string>{l1, l2, *l3};
    }

    auto l1name = nameZone(f, width - 5);
    if (!l1name) return fail(l1name.error());
    std::string l1 = *code + *state + *l1name;

    std::string number = toFillers(f.documentNumber);
    std::string numberPart;
    std::string optional = toFillers(f.optionalData);
    if (number.size() > 9 && f.format == MrzFormat::TD2) {
        numberPart = number.substr(0, 9) + "<";
        optional = number.substr(9) + digit(number) + "<" + optional;
    } else {
        auto n = pad(number, 9, "document number");
        if (!n) return fail(n.error());
        numberPart = *n + digit(*n);
    }
    std::string l2 = numberPart + *nat + *birth + digit(*birth) + *sex + *expiry + digit(*expiry);
    switch (f.format) {
    case MrzFormat::TD3: {
        auto o = pad(optional, 14, "optional data");
        if (!o) return fail(o.error());
        // An empty personal number may carry '<' or '0' as its check digit; '<' is the common choice.
        l2 += *o + (optional.empty() ? '<' : digit(*o));
        l2 += digit(l2.substr(0, 10) + l2.substr(13, 7) + l2.substr(21, 22));
        break;
    }
    case MrzFormat::TD2: {
        auto o = pad(optional, 7, "optional data");
        if (!o) return fail(o.error());
        l2 += *o;
        l2 += digit(l2.substr(0, 10) + l2.substr(13, 7) + l2.substr(21, 14));
        break;
    }
    case MrzFormat::MRVA:
    case MrzFormat::MRVB: {
        auto o = pad(optional, width - 28, "optional data");
        if (!o) return fail(o.error());
        l2 += *o;
        break;
    }
    case MrzFormat::TD1: break;
    }
    return std::vector<std::string>{l1, l2};
}

} // namespace secondline::validation
