#include <secondline/capture/synthetic.h>

#include <array>
#include <cstdio>
#include <random>

namespace secondline::capture {

namespace {

constexpr std::array kSyllables = {"AN",  "BEL", "CA", "DOR", "EL",  "FA",  "GOR", "HAN", "IS",  "JO", "KA",
                                   "LEN", "MAR", "NO", "OR",  "PA",  "QUI", "RO",  "SA",  "TEL", "UL", "VAN",
                                   "WE",  "XI",  "YA", "ZO",  "BRI", "STA", "MEN", "KOV", "LI",  "DA"};
constexpr std::array kStates = {"UTO", "UTO", "D",   "FRA", "NLD", "ITA", "ESP", "CAN", "AUS", "JPN",
                                "BRA", "KEN", "IND", "MEX", "NOR", "GBR", "USA", "ZAF", "EGY", "PHL"};

std::string name(std::mt19937_64& rng, int minSyl, int maxSyl) {
    std::uniform_int_distribution<int> count(minSyl, maxSyl);
    std::uniform_int_distribution<std::size_t> pick(0, kSyllables.size() - 1);
    std::string out;
    for (int i = count(rng); i > 0; --i) out += kSyllables[pick(rng)];
    return out;
}

std::string yymmdd(std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02u%02u", static_cast<int>(ymd.year()) % 100,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

} // namespace

validation::MrzFields randomFields(std::uint64_t seed, validation::MrzFormat format, std::chrono::sys_days today) {
    using validation::MrzFormat;
    std::mt19937_64 rng(seed);
    validation::MrzFields f;
    f.format = format;
    switch (format) {
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    case MrzFormat::TD3: f.documentCode = "P"; break;
#pragma GCC diagnostic pop
    case MrzFormat::MRVA:
    case MrzFormat::MRVB: f.documentCode = "V"; break;
    case MrzFormat::TD1:
    case MrzFormat::TD2: f.documentCode = (rng() % 2) ? "ID" : "I"; break;
    }
    std::uniform_int_distribution<std::size_t> state(0, kStates.size() - 1);
    f.issuingState = kStates[state(rng)];
    f.nationality = (rng() % 4 == 0) ? kStates[state(rng)] : f.issuingState;
    f.surname = name(rng, 1, 3);
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    if (rng() % 5 == 0) f.surname += " " + name(rng, 1, 2);
#pragma GCC diagnostic pop
    f.givenNames = name(rng, 1, 3);
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    if (rng() % 3 == 0) f.givenNames += " " + name(rng, 1, 2);
#pragma GCC diagnostic pop
    static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uniform_int_distribution<int> digit(0, 9), alnum(0, 35), len(7, 9);
    for (int i = 0, n = len(rng); i < n; ++i) {
        f.documentNumber += (i < 2 && rng() % 2) ? kAlnum[alnum(rng)] : static_cast<char>('0' + digit(rng));
    }
    std::uniform_int_distribution<int> ageDays(18 * 365, 80 * 365), expiryDays(30, 9 * 365);
    f.birthDate = yymmdd(today - std::chrono::days{ageDays(rng)});
    f.expiryDate = yymmdd(today + std::chrono::days{expiryDays(rng)});
    const int sex = static_cast<int>(rng() % 20);
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    f.sex = sex < 9 ? "M" : sex < 18 ? "F" : sex == 18 ? "X" : "";
#pragma GCC diagnostic pop
    if (rng() % 2) {
        for (int i = 0; i < 8; ++i) f.optionalData += static_cast<char>('0' + digit(rng));
    }
    if (format == MrzFormat::TD2 || format == MrzFormat::MRVB) f.optionalData = f.optionalData.substr(0, 6);
    return f;
}

} // namespace secondline::capture
