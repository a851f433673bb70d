#include "common/timestamp.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace scribe {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// A cursor over the text with digit helpers; every read checks bounds.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool eat(char c) {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
  }
  // Reads exactly n digits into out.
  bool digits(int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i) {
      char c = peek();
      if (done() || c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
      ++pos_;
    }
    return true;
  }
  bool at_digit() const { return !done() && peek() >= '0' && peek() <= '9'; }
  void skip() { ++pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Error bad(std::string message) { return bad_request("", std::move(message)); }

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int offset_minutes = 0;
  bool has_zone = false;
};

bool read_date(Cursor& c, Fields& f, bool& extended) {
  if (!c.digits(4, f.year)) return false;
  extended = c.eat('-');
  if (!c.digits(2, f.month)) return false;
  if (extended && !c.eat('-')) return false;
  return c.digits(2, f.day);
}

bool read_time(Cursor& c, Fields& f, bool extended) {
  if (!c.digits(2, f.hour)) return false;
  if (extended && !c.eat(':')) return false;
  if (!c.digits(2, f.minute)) return false;
  bool has_seconds = extended ? c.eat(':') : c.at_digit();
  if (!has_seconds) return true;
  if (!c.digits(2, f.second)) return false;
  if (c.peek() != '.' && c.peek() != ',') return true;
  c.skip();
  if (!c.at_digit()) return false;
  int64_t scale = 100'000;
  while (c.at_digit()) {
    f.micros += (c.peek() - '0') * scale;
    scale /= 10;
    c.skip();
  }
  return true;
}

// Zone: Z | ±hh | ±hhmm | ±hh:mm. Returns an error message, or empty on success.
std::string read_zone(Cursor& c, Fields& f) {
  if (c.done()) return "";
  if (c.eat('Z') || c.eat('z')) {
    f.has_zone = true;
    return "";
  }
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return "unexpected character after the time";
  c.skip();
  int hh = 0, mm = 0;
  if (!c.digits(2, hh)) return "malformed time zone offset";
  if (c.eat(':')) {
    if (!c.digits(2, mm)) return "malformed time zone offset";
  } else if (c.at_digit() && !c.digits(2, mm)) {
    return "malformed time zone offset";
  }
  if (hh > 23 || mm > 59) return "time zone offset out of range";
  if (sign == '-' && hh == 0 && mm == 0) return "a negative zero offset means an unknown time zone";
  f.offset_minutes = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
  f.has_zone = true;
  return "";
}

}  // namespace

Result<int64_t> parse_timestamp(std::string_view s, bool require_zone) {
  Cursor c(s);
  Fields f;
  bool extended = false;
  if (!read_date(c, f, extended)) return bad("not an ISO 8601 date-time (expected YYYY-MM-DD)");
  if (!c.eat('T') && !c.eat('t')) return bad("not an ISO 8601 date-time (expected 'T' and a time)");
  if (!read_time(c, f, extended)) return bad("not an ISO 8601 date-time (malformed time)");
  if (std::string err = read_zone(c, f); !err.empty()) return bad(err);
  if (!c.done()) return bad("unexpected characters after the timestamp");
  if (!f.has_zone && require_zone) return bad("the timestamp must include a time zone");
  if (f.month < 1 || f.month > 12) return bad("month out of range");
  if (f.day < 1 || static_cast<unsigned>(f.day) > days_in_month(f.year, f.month))
    return bad("day out of range");
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return bad("time of day out of range");
  const int64_t days = days_from_civil(f.year, f.month, f.day);
  const int64_t seconds = days * kSecondsPerDay + f.hour * 3600 + f.minute * 60 + f.second -
                          int64_t{f.offset_minutes} * 60;
  return seconds * kMicrosPerSecond + f.micros;
}

std::string format_timestamp(int64_t micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t sod = seconds % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  const Civil d = civil_from_days(days);
  char buf[48];
  if (d.year < 0 || d.year > 9999) {  // outside the fixed-width form: let printf widen it
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(d.year), d.month, d.day,
                  static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                  static_cast<long long>(sod % 60), static_cast<long long>(frac));
    return buf;
  }
  // The common case by hand: snprintf was ~4,000 instructions per call, once per statement.
  auto digits = [](char* at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
  };
  std::memcpy(buf, "0000-00-00T00:00:00.000000Z", 27);
  digits(buf, d.year, 4);
  digits(buf + 5, d.month, 2);
  digits(buf + 8, d.day, 2);
  digits(buf + 11, sod / 3600, 2);
  digits(buf + 14, sod / 60 % 60, 2);
  digits(buf + 17, sod % 60, 2);
  digits(buf + 20, frac, 6);
  return std::string(buf, 27);
}

int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace scribe
