#include "dates.h"

#include <string>

namespace secondline::validation {

std::string MrzDate::iso() const {
    std::string out;
    isoInto(out);
    return out;
}

void MrzDate::isoInto(std::string& text) const {
    char out[10] = {'X', 'X', 'X', 'X', '-', 'X', 'X', '-', 'X', 'X'};
    auto two = [&](int n, int at) {
        out[at] = static_cast<char>('0' + n / 10);
        out[at + 1] = static_cast<char>('0' + n % 10);
    };
    auto put = [&](const std::optional<int>& v, int at, int width) {
        if (!v || *v < 0 || *v > 9999) return;
        if (width == 4) {
            two(*v / 100, at);
            two(*v % 100, at + 2);
        } else {
            two(*v % 100, at);
        }
    };
    put(year, 0, 4);
    put(month, 5, 2);
    put(day, 8, 2);
    text.assign(out, sizeof out);
}

namespace detail {

namespace {

enum class Pair { Number, Unknown, Bad };

Pair readPair(std::string_view two, int& out) {
    const char a = two[0], b = two[1];
    if (a >= '0' && a <= '9' && b >= '0' && b <= '9') {
        out = (a - '0') * 10 + (b - '0');
        return Pair::Number;
    }
    const auto unknown = [](char c) { return c == '<' || c == 'X'; };
    if (unknown(a) && unknown(b)) return Pair::Unknown;
    return Pair::Bad;
}

} // namespace

DateReading readMrzDate(std::string_view raw, DateKind kind, std::chrono::sys_days inspection) {
    using namespace std::chrono;
    DateReading r;
    if (raw.size() != 6) {
        r.wellFormed = false;
        return r;
    }
    int yy = 0, mm = 0, dd = 0;
    const Pair py = readPair(raw.substr(0, 2), yy);
    const Pair pm = readPair(raw.substr(2, 2), mm);
    const Pair pd = readPair(raw.substr(4, 2), dd);
    if (py == Pair::Bad || pm == Pair::Bad || pd == Pair::Bad) {
        r.wellFormed = false;
        return r;
    }
    if (pm == Pair::Number) {
        if (mm < 1 || mm > 12)
            r.possible = false;
        else
            r.date.month = mm;
    }
    if (pd == Pair::Number) {
        if (dd < 1 || dd > 31)
            r.possible = false;
        else
            r.date.day = dd;
    }
    const year_month_day today{inspection};
    const int inspYear = static_cast<int>(today.year());
    if (py == Pair::Number) {
        int full = 2000 + yy;
        if (kind == DateKind::Birth) {
            const int m = r.date.month.value_or(1);
            const int d = r.date.day.value_or(1);
            const auto candidate = year{full} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)};
            // Compare the known parts only: an unknown month or day is taken at its earliest.
            if (full > inspYear || (candidate.ok() && sys_days{candidate} > inspection)) full -= 100;
        } else if (full > inspYear + kExpiryWindowYears) {
            full -= 100;
        }
        r.date.year = full;
    }
    if (r.possible && r.date.month && r.date.day) {
        // A day that does not exist in that month (a leap year stands in when the year is unknown).
        const int y = r.date.year.value_or(2000);
        const year_month_day ymd{year{y}, month{static_cast<unsigned>(*r.date.month)},
                                 day{static_cast<unsigned>(*r.date.day)}};
        if (!ymd.ok()) {
            r.possible = false;
            r.date.day.reset();
        }
    }
    return r;
}

} // namespace detail
} // namespace secondline::validation
