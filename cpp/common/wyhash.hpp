// wyhash v4.2 (Wang Yi's public-domain 64-bit hash), used for the map fingerprint
// (MapData::grid_hash): fast, well mixed, and fixed to little-endian reads, so a map fingerprints
// to the same number on every platform. Changing the function changes every recorded fingerprint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace metta::wyhash {

inline constexpr std::uint64_t kSecret[4] = {0x2d358dccaa6c78a5ull, 0x8bb84b93962eacc9ull,
                                             0x4b33a62ed433d4a3ull, 0x4d5a2da51de1aa47ull};

namespace detail {

// Full 128-bit product of a and b: low half into a, high half into b.
#ifdef __SIZEOF_INT128__
__extension__ using Uint128 = unsigned __int128;  // __extension__: a GCC/Clang type, not ISO C++
#endif

inline void multiply(std::uint64_t& a, std::uint64_t& b) {
#ifdef __SIZEOF_INT128__
  const Uint128 product = static_cast<Uint128>(a) * b;
  a = static_cast<std::uint64_t>(product);
  b = static_cast<std::uint64_t>(product >> 64);
#else
  const std::uint64_t a_hi = a >> 32, a_lo = a & 0xffffffffu;
  const std::uint64_t b_hi = b >> 32, b_lo = b & 0xffffffffu;
  const std::uint64_t hi_hi = a_hi * b_hi, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi,
                      lo_lo = a_lo * b_lo;
  const std::uint64_t mid = lo_lo + (hi_lo << 32);
  std::uint64_t carry = mid < lo_lo ? 1 : 0;
  const std::uint64_t low = mid + (lo_hi << 32);
  carry += low < mid ? 1 : 0;
  b = hi_hi + (hi_lo >> 32) + (lo_hi >> 32) + carry;
  a = low;
#endif
}

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  multiply(a, b);
  return a ^ b;
}

// Little-endian loads of n bytes, whatever the host's byte order.
inline std::uint64_t load(const unsigned char* p, int n) {
  std::uint64_t value = 0;
  for (int i = n - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}
inline std::uint64_t load8(const unsigned char* p) { return load(p, 8); }
inline std::uint64_t load4(const unsigned char* p) { return load(p, 4); }
inline std::uint64_t load3(const unsigned char* p, std::size_t n) {
  return (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[n >> 1]} << 8) | p[n - 1];
}

}  // namespace detail

inline std::uint64_t hash(std::string_view bytes, std::uint64_t seed = 0) {
  using namespace detail;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t length = bytes.size();
  seed ^= mix(seed ^ kSecret[0], kSecret[1]);
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (length <= 16) {
    if (length >= 4) {
      const std::size_t step = (length >> 3) << 2;
      a = (load4(p) << 32) | load4(p + step);
      b = (load4(p + length - 4) << 32) | load4(p + length - 4 - step);
    } else if (length > 0) {
      a = load3(p, length);
    }
  } else {
    std::size_t left = length;
    if (left >= 48) {
      std::uint64_t lane1 = seed;
      std::uint64_t lane2 = seed;
      do {
        seed = mix(load8(p) ^ kSecret[1], load8(p + 8) ^ seed);
        lane1 = mix(load8(p + 16) ^ kSecret[2], load8(p + 24) ^ lane1);
        lane2 = mix(load8(p + 32) ^ kSecret[3], load8(p + 40) ^ lane2);
        p += 48;
        left -= 48;
      } while (left >= 48);
      seed ^= lane1 ^ lane2;
    }
    while (left > 16) {
      seed = mix(load8(p) ^ kSecret[1], load8(p + 8) ^ seed);
      p += 16;
      left -= 16;
    }
    a = load8(p + left - 16);
    b = load8(p + left - 8);
  }
  a ^= kSecret[1];
  b ^= seed;
  multiply(a, b);
  return mix(a ^ kSecret[0] ^ length, b ^ kSecret[1]);
}

}  // namespace metta::wyhash
