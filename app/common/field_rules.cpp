#include "field_rules.h"

#include <algorithm>

namespace secondline::app {

namespace {

bool allOf(std::string_view s, bool (*ok)(char)) {
    return std::all_of(s.begin(), s.end(), ok);
}
bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool digit(char c) {
    return c >= '0' && c <= '9';
}
bool upperOrDigit(char c) {
    return upper(c) || digit(c);
}
bool nameChar(char c) {
    return upper(c) || c == ' ';
}
bool optionalChar(char c) {
    return upperOrDigit(c) || c == ' ';
}

/// YYYY-MM-DD, any part may be X's when the document leaves it unknown.
bool isoDate(std::string_view v) {
    if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
    const auto part = [&](std::size_t at, std::size_t n, int lo, int hi) {
        const auto p = v.substr(at, n);
        if (std::all_of(p.begin(), p.end(), [](char c) { return c == 'X'; })) return true;
        if (!allOf(p, digit)) return false;
        int x = 0;
        for (char c : p) x = x * 10 + (c - '0');
        return x >= lo && x <= hi;
    };
    return part(0, 4, 1900, 2099) && part(5, 2, 1, 12) && part(8, 2, 1, 31);
}

} // namespace

std::optional<std::string> editProblem(std::string_view field, std::string_view value) {
    if (field == "birth_date" || field == "expiry_date") {
        if (!isoDate(value)) return "a date is written YYYY-MM-DD, with XX for a part the document leaves unknown";
        return std::nullopt;
    }
    if (field == "sex") {
        if (!(value.empty() || value == "M" || value == "F" || value == "X")) return "sex is M, F, X or empty";
        return std::nullopt;
    }
    if (field == "issuing_state" || field == "nationality") {
        if (value.empty() || value.size() > 3 || !allOf(value, upper))
            return "a state code is one to three capital letters";
        return std::nullopt;
    }
    if (field == "document_code") {
        if (value.empty() || value.size() > 2 || !allOf(value, upper))
            return "a document code is one or two capital letters";
        return std::nullopt;
    }
    if (field == "document_number") {
        if (value.empty() || value.size() > 24 || !allOf(value, upperOrDigit))
            return "a document number is capital letters and digits (at most 24)";
        return std::nullopt;
    }
    if (field == "surname" || field == "given_names") {
        if (value.size() > 39 || !allOf(value, nameChar) || (field == "surname" && value.empty()))
            return "a name in the MRZ's letters: A to Z and spaces (at most 39)";
        if (!value.empty() &&
            (value.front() == ' ' || value.back() == ' ' || value.find("  ") != std::string_view::npos))
            return "a name has single spaces between its parts";
        return std::nullopt;
    }
    if (field == "optional_data" || field == "optional_data_2") {
        if (value.size() > 30 || !allOf(value, optionalChar))
            return "optional data is capital letters, digits and spaces (at most 30)";
        return std::nullopt;
    }
    return "this field cannot be edited";
}

} // namespace secondline::app
