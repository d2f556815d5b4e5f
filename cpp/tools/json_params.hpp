// A minimal JSON reader for C++ drivers: parses a JSON document into an engine Params tree
// (objects -> Dict, arrays -> List, integers -> int, other numbers -> double, true/false -> 1/0,
// strings with the common escapes). Enough for files Python's json module writes; not a general
// JSON library (no \u escapes beyond ASCII, no null). Throws std::runtime_error naming the offset.
#pragma once

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "engine/core/params.hpp"

namespace metta::tools {

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  // The whole document as one Params tree.
  engine::Params parse() {
    engine::Params value = parse_value();
    skip_space();
    if (pos_ != text_.size()) fail("trailing characters");
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("json: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
  }
  char peek() {
    skip_space();
    if (pos_ == text_.size()) fail("unexpected end");
    return text_[pos_];
  }
  void expect(char ch) {
    if (peek() != ch) fail(std::string("expected '") + ch + "'");
    ++pos_;
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  engine::Params parse_value() {
    const char ch = peek();
    if (ch == '{') return parse_object();
    if (ch == '[') return parse_array();
    if (ch == '"') return parse_string();
    if (consume("true")) return engine::Params(1);
    if (consume("false")) return engine::Params(0);
    return parse_number();
  }

  engine::Params parse_object() {
    expect('{');
    engine::Params::Dict dict;
    if (peek() == '}') {
      ++pos_;
      return engine::Params(std::move(dict));
    }
    do {
      if (peek() != '"') fail("expected a string key");
      std::string key = parse_string();
      expect(':');
      dict.emplace_back(std::move(key), parse_value());
    } while (peek() == ',' && (++pos_, true));
    expect('}');
    return engine::Params(std::move(dict));
  }

  engine::Params parse_array() {
    expect('[');
    engine::Params::List list;
    if (peek() == ']') {
      ++pos_;
      return engine::Params(std::move(list));
    }
    do {
      list.push_back(parse_value());
    } while (peek() == ',' && (++pos_, true));
    expect(']');
    return engine::Params(std::move(list));
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char ch = text_[pos_++];
      if (ch == '\\') {
        if (pos_ == text_.size()) fail("unterminated escape");
        const char escaped = text_[pos_++];
        switch (escaped) {
          case 'n':
            ch = '\n';
            break;
          case 't':
            ch = '\t';
            break;
          case 'r':
            ch = '\r';
            break;
          case 'b':
            ch = '\b';
            break;
          case 'f':
            ch = '\f';
            break;
          case '"':
          case '\\':
          case '/':
            ch = escaped;
            break;
          default:
            fail("unsupported escape");
        }
      }
      out += ch;
    }
    if (pos_ == text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  engine::Params parse_number() {
    const std::size_t start = pos_;
    bool integer = true;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_];
      if (ch == '.' || ch == 'e' || ch == 'E') {
        integer = false;
      } else if (std::isdigit(static_cast<unsigned char>(ch)) == 0 && ch != '-' && ch != '+') {
        break;
      }
      ++pos_;
    }
    if (pos_ == start) fail("unexpected character");
    const std::string number(text_.substr(start, pos_ - start));
    char* end = nullptr;
    engine::Params value =
        integer ? engine::Params(static_cast<std::int64_t>(std::strtoll(number.c_str(), &end, 10)))
                : engine::Params(std::strtod(number.c_str(), &end));
    if (end != number.c_str() + number.size()) fail("bad number '" + number + "'");
    return value;
  }
};

}  // namespace metta::tools
