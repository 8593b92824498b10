#include "msgcapture/format/utc_time.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace msgcapture {
namespace {

// `compact`: without the date and time separators, as session directories are named.
std::string utc_text(int64_t time_us, bool compact) {
    // Floor division, so that times before 1970 print correctly too.
    int64_t seconds = time_us / 1'000'000;
    int64_t micros = time_us % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        --seconds;
    }
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    // Not strftime: its %Y drops the leading zeros of years before 1000.
    char text[96];
    std::snprintf(text, sizeof text, compact ? "%04d%02d%02dT%02d%02d%02d.%06lldZ" : "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<long long>(micros));
    return text;
}

// Reads exactly `digits` decimal digits at `at`.
std::optional<int> read_digits(std::string_view text, size_t at, size_t digits) {
    if (text.size() < at + digits) return std::nullopt;
    int value = 0;
    for (size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<int64_t> parse_iso(std::string_view text) {
    if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
    const auto year = read_digits(text, 0, 4), month = read_digits(text, 5, 2), day = read_digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
    static constexpr int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*month < 1 || *month > 12 || *day < 1 || *day > DAYS[*month - 1] + (*month == 2 && leap(*year))) return std::nullopt;
    int64_t us = days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86'400'000'000LL;
    if (text.size() == 10) return us;
    const auto hour = read_digits(text, 11, 2), minute = read_digits(text, 14, 2), second = read_digits(text, 17, 2);
    if (text[10] != 'T' || !hour || !minute || !second || text[13] != ':' || text[16] != ':' || *hour > 23 ||
        *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    us += ((*hour * 60LL + *minute) * 60 + *second) * 1'000'000LL;
    if (text.size() == 19) return us;
    const size_t fraction = text.size() - 20;
    if (text[19] != '.' || fraction < 1 || fraction > 6) return std::nullopt;
    const auto digits = read_digits(text, 20, fraction);
    if (!digits) return std::nullopt;
    int64_t micros = *digits;
    for (size_t i = fraction; i < 6; ++i) micros *= 10;
    return us + micros;
}

}  // namespace

std::string iso_time(int64_t time_us) { return utc_text(time_us, false); }
std::string compact_time(int64_t time_us) { return utc_text(time_us, true); }

std::optional<int64_t> parse_time(std::string_view text) {
    if (text.size() >= 10 && text[4] == '-') return parse_iso(text);
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace msgcapture
