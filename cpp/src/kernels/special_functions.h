// Scalar special functions for the elementwise tables (elementwise.h), with the edge values
// of TF1's CPU kernels (Eigen's SpecialFunctionsImpl.h, itself after Cephes): computed in
// double for float and double inputs, then rounded to the input type.
#pragma once

#include <cmath>
#include <limits>

namespace varflow::kernels::special {

namespace detail {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846264338327950288;
constexpr double kMachEp = 1.11022302462515654042e-16;

inline double lgamma(double x) {
#if defined(__GLIBC__)
  int sign;  // lgamma_r: the reentrant form (std::lgamma writes the global signgam)
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

// psi(x) = d/dx log(Gamma(x)): reflection for x <= 0, the recurrence psi(x) = psi(x+1) - 1/x
// up to x >= 10, then the asymptotic series log(s) - 1/(2s) - sum B_2k / (2k s^2k).
inline double digamma(double x) {
  bool negative = false;
  double reflection = 0.0;
  if (x <= 0.0) {
    const double p = std::floor(x);
    if (p == x) return kNan;  // the poles 0, -1, -2, ... (and -inf)
    double frac = x - p;
    if (frac != 0.5) {
      if (frac > 0.5) frac = x - (p + 1.0);
      reflection = kPi / std::tan(kPi * frac);
    }
    negative = true;
    x = 1.0 - x;
  }
  double s = x, w = 0.0;
  while (s < 10.0) {
    w += 1.0 / s;
    s += 1.0;
  }
  double y = 0.0;
  if (s < 1.0e17) {
    // B_2k / (2k) for k = 7 .. 1 (Horner order)
    static constexpr double kA[] = {8.33333333333333333333e-2, -2.10927960927960927961e-2,
                                    7.57575757575757575758e-3, -4.16666666666666666667e-3,
                                    3.96825396825396825397e-3, -8.33333333333333333333e-3,
                                    8.33333333333333333333e-2};
    const double z = 1.0 / (s * s);
    double poly = kA[0];
    for (int i = 1; i < 7; ++i) poly = poly * z + kA[i];
    y = z * poly;
  }
  y = std::log(s) - 0.5 / s - y - w;
  return negative ? y - reflection : y;
}

// Hurwitz zeta(x, q) = sum_{k>=0} (k + q)^-x: direct sum until the terms are small, then the
// Euler-Maclaurin tail. Domain as Eigen: x == 1 -> inf, x < 1 -> nan; q a non-positive
// integer -> inf for even integer x, else nan; other q <= 0 need an integer x.
inline double zeta(double x, double q) {
  // (2k)! / B_2k for k = 1 .. 12
  static constexpr double kA[] = {12.0,
                                  -720.0,
                                  30240.0,
                                  -1209600.0,
                                  47900160.0,
                                  -1.8924375803183791606e9,
                                  7.47242496e10,
                                  -2.950130727918164224e12,
                                  1.1646782814350067249e14,
                                  -4.5979787224074726105e15,
                                  1.8152105401943546773e17,
                                  -7.1661652561756670113e18};
  if (x == 1.0) return kInf;
  if (!(x >= 1.0)) return kNan;  // x < 1 or NaN
  if (q <= 0.0) {
    if (q == std::floor(q)) {
      const bool even = x == std::floor(x) && std::fmod(x, 2.0) == 0.0;
      return even ? kInf : kNan;
    }
    if (x != std::floor(x)) return kNan;  // q^-x would be complex
  }
  double s = std::pow(q, -x), a = q, b = 0.0;
  int i = 0;
  while (i < 9 || a <= 9.0) {
    ++i;
    a += 1.0;
    b = std::pow(a, -x);
    s += b;
    if (std::abs(b / s) < kMachEp) return s;
  }
  const double w = a;
  s += b * w / (x - 1.0);
  s -= 0.5 * b;
  a = 1.0;
  double k = 0.0;
  for (double coeff : kA) {
    a *= x + k;
    b /= w;
    double t = a * b / coeff;
    s += t;
    if (std::abs(t / s) < kMachEp) return s;
    k += 1.0;
    a *= x + k;
    b /= w;
    k += 1.0;
  }
  return s;
}

// psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x) for a non-negative integer n; psi^(0) = digamma.
inline double polygamma(double n, double x) {
  if (!(n >= 0.0) || n != std::floor(n)) return kNan;
  if (n == 0.0) return digamma(x);
  const double factorial = std::exp(lgamma(n + 1.0));
  const double sign = std::fmod(n, 2.0) == 0.0 ? -1.0 : 1.0;
  return sign * factorial * zeta(n + 1.0, x);
}

}  // namespace detail

template <typename T>
inline T lgamma(T a) {
  return static_cast<T>(detail::lgamma(static_cast<double>(a)));
}
template <typename T>
inline T digamma(T a) {
  return static_cast<T>(detail::digamma(static_cast<double>(a)));
}
template <typename T>
inline T zeta(T x, T q) {
  return static_cast<T>(detail::zeta(static_cast<double>(x), static_cast<double>(q)));
}
template <typename T>
inline T polygamma(T n, T x) {
  return static_cast<T>(detail::polygamma(static_cast<double>(n), static_cast<double>(x)));
}
// x * log(y) and x / y, both 0 where x == 0 (whatever y is), as TF's Xlogy and Xdivy.
template <typename T>
inline T xlogy(T x, T y) {
  return x == T(0) ? T(0) : x * std::log(y);
}
template <typename T>
inline T xdivy(T x, T y) {
  return x == T(0) ? T(0) : x / y;
}

}  // namespace varflow::kernels::special
