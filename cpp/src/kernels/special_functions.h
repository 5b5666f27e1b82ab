// Scalar special functions for the elementwise tables (elementwise.h), with the edge values
// of TF1's CPU kernels (Eigen's SpecialFunctionsImpl.h, itself after Cephes): computed in
// double for float and double inputs, then rounded to the input type.
#pragma once

#include <cmath>
#include <limits>
#include <utility>

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

// The regularized incomplete gamma functions P(a, x) = igamma and Q(a, x) = 1 - P = igammac
// (Cephes' igam/igamc as Eigen evaluates them): the power series of P where x < 1 or x <= a,
// Legendre's continued fraction of Q elsewhere. Both carry the derivative with respect to a
// alongside (forward mode), which is IgammaGradA. Domain as Eigen's: x == 0 gives P = 0,
// x < 0, a <= 0 or a NaN gives NaN, x == inf gives P = 1.
struct GammaValue {
  double value, d_a;
};

constexpr double kMaxLog = 7.09782712893383996843e2;
constexpr double kBig = 4.503599627370496e15;
constexpr double kBigInv = 2.22044604925031308085e-16;
constexpr int kMaxIterations = 2000;

// log(x^a e^-x / Gamma(a)) and its derivative in a.
inline GammaValue log_gamma_prefactor(double a, double x) {
  return {a * std::log(x) - x - lgamma(a), std::log(x) - digamma(a)};
}

// P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n)).
inline GammaValue igamma_series(double a, double x, bool want_d_a) {
  const GammaValue log_ax = log_gamma_prefactor(a, x);
  if (log_ax.value < -kMaxLog) return {0.0, 0.0};  // underflow
  const double ax = std::exp(log_ax.value);
  double r = a, c = 1.0, sum = 1.0;
  double dc = 0.0, dsum = 0.0;  // their derivatives in a
  for (int i = 0; i < kMaxIterations; ++i) {
    r += 1.0;
    const double ratio = x / r;
    dc = ratio * dc - c * ratio / r;
    c *= ratio;
    sum += c;
    dsum += dc;
    const bool settled = c <= sum * kMachEp;
    if (settled && (!want_d_a || std::abs(dc) <= std::abs(dsum) * kMachEp)) break;
  }
  const double value = sum * ax / a;
  if (!want_d_a) return {value, 0.0};
  // d/da [ax * sum / a] = value * dlog_ax + ax * (dsum * a - sum) / a^2
  return {value, value * log_ax.d_a + ax * (dsum * a - sum) / (a * a)};
}

// Q(a, x) by the continued fraction of x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1 * (1 - a) /
// (x + 3 - a - ...)).
inline GammaValue igammac_continued_fraction(double a, double x, bool want_d_a) {
  const GammaValue log_ax = log_gamma_prefactor(a, x);
  if (log_ax.value < -kMaxLog) return {0.0, 0.0};
  const double ax = std::exp(log_ax.value);
  double y = 1.0 - a, z = x + y + 1.0, c = 0.0;
  double pkm2 = 1.0, qkm2 = x, pkm1 = x + 1.0, qkm1 = z * x;
  // derivatives in a: y' = z' = -1
  double dpkm2 = 0.0, dqkm2 = 0.0, dpkm1 = 0.0, dqkm1 = -x;
  double ans = pkm1 / qkm1, dans = (dpkm1 * qkm1 - pkm1 * dqkm1) / (qkm1 * qkm1);
  for (int i = 0; i < kMaxIterations; ++i) {
    c += 1.0;
    y += 1.0;
    z += 2.0;
    const double yc = y * c;
    const double pk = pkm1 * z - pkm2 * yc;
    const double qk = qkm1 * z - qkm2 * yc;
    const double dpk = dpkm1 * z - pkm1 - dpkm2 * yc + pkm2 * c;
    const double dqk = dqkm1 * z - qkm1 - dqkm2 * yc + qkm2 * c;
    double t = 1.0, dt = 0.0;
    if (qk != 0.0) {
      const double r = pk / qk;
      const double dr = (dpk - r * dqk) / qk;
      t = std::abs((ans - r) / r);
      dt = std::abs(dans - dr);
      ans = r;
      dans = dr;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    dpkm2 = dpkm1;
    dpkm1 = dpk;
    dqkm2 = dqkm1;
    dqkm1 = dqk;
    if (std::abs(pk) > kBig) {
      pkm2 *= kBigInv;
      pkm1 *= kBigInv;
      qkm2 *= kBigInv;
      qkm1 *= kBigInv;
      dpkm2 *= kBigInv;
      dpkm1 *= kBigInv;
      dqkm2 *= kBigInv;
      dqkm1 *= kBigInv;
    }
    if (t <= kMachEp && (!want_d_a || dt <= std::abs(dans) * kMachEp)) break;
  }
  return {ans * ax, want_d_a ? ax * (dans + ans * log_ax.d_a) : 0.0};
}

// P(a, x) and dP/da.
inline GammaValue igamma_with_d_a(double a, double x, bool want_d_a) {
  if (x == 0.0) return {0.0, 0.0};
  if (x < 0.0 || !(a > 0.0) || std::isnan(x)) return {kNan, kNan};
  if (std::isinf(x)) return {1.0, 0.0};
  if (x > 1.0 && x > a) {
    const GammaValue q = igammac_continued_fraction(a, x, want_d_a);
    return {1.0 - q.value, -q.d_a};
  }
  return igamma_series(a, x, want_d_a);
}

inline double igamma(double a, double x) { return igamma_with_d_a(a, x, false).value; }
inline double igamma_grad_a(double a, double x) { return igamma_with_d_a(a, x, true).d_a; }

inline double igammac(double a, double x) {
  if (x < 0.0 || !(a > 0.0) || std::isnan(x)) return kNan;
  if (std::isinf(x)) return 0.0;
  if (x < 1.0 || x < a) return 1.0 - igamma_series(a, x, false).value;
  return igammac_continued_fraction(a, x, false).value;
}

// The regularized incomplete beta function I_x(a, b) (Cephes' incbet): the power series for
// small b * x, else one of its two continued fractions, with a and b exchanged (and x with
// 1 - x) above the mean a / (a + b). a <= 0, b <= 0 or x outside [0, 1] give NaN.
constexpr double kMaxGamma = 171.624376956302725;
constexpr double kMinLog = -7.08396418532264106224e2;

// I_x(a, b) by the power series x^a / (a B(a, b)) * (1 + sum ...), for b * x <= 1, x <= 0.95.
inline double betainc_series(double a, double b, double x) {
  const double inv_a = 1.0 / a;
  double u = (1.0 - b) * x;
  double v = u / (a + 1.0);
  const double first = v;
  double t = u, s = 0.0;
  const double tolerance = kMachEp * inv_a;
  for (double n = 2.0; std::abs(v) > tolerance; n += 1.0) {
    u = (n - b) * x / n;
    t *= u;
    v = t / (a + n);
    s += v;
  }
  s += first + inv_a;
  const double log_xa = a * std::log(x);
  if (a + b < kMaxGamma && std::abs(log_xa) < kMaxLog)
    return s * std::tgamma(a + b) / (std::tgamma(a) * std::tgamma(b)) * std::pow(x, a);
  const double log_s = lgamma(a + b) - lgamma(a) - lgamma(b) + log_xa + std::log(s);
  return log_s < kMinLog ? 0.0 : std::exp(log_s);
}

// The two continued fractions of Cephes' incbet, for (x, z = x) and (x / (1 - x)): each step
// multiplies in two partial fractions, with the numerators' k factors advanced by `step`.
struct BetaFractionSteps {
  double k1, k2, k3, k4, k5, k6, k7, k8;
  double dk2, dk6;  // how k2 and k6 move per step (the others: +1 or +2)
};

inline double beta_continued_fraction(BetaFractionSteps k, double z) {
  double pkm2 = 0.0, qkm2 = 1.0, pkm1 = 1.0, qkm1 = 1.0, ans = 1.0, r = 1.0;
  const double threshold = 3.0 * kMachEp;
  for (int n = 0; n < 300; ++n) {
    double xk = -(z * k.k1 * k.k2) / (k.k3 * k.k4);
    double pk = pkm1 + pkm2 * xk, qk = qkm1 + qkm2 * xk;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    xk = (z * k.k5 * k.k6) / (k.k7 * k.k8);
    pk = pkm1 + pkm2 * xk;
    qk = qkm1 + qkm2 * xk;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (qk != 0.0) r = pk / qk;
    double t = 1.0;
    if (r != 0.0) {
      t = std::abs((ans - r) / r);
      ans = r;
    }
    if (t < threshold) break;
    k.k1 += 1.0;
    k.k2 += k.dk2;
    k.k3 += 2.0;
    k.k4 += 2.0;
    k.k5 += 1.0;
    k.k6 += k.dk6;
    k.k7 += 2.0;
    k.k8 += 2.0;
    if (std::abs(qk) + std::abs(pk) > kBig) {
      pkm2 *= kBigInv;
      pkm1 *= kBigInv;
      qkm2 *= kBigInv;
      qkm1 *= kBigInv;
    }
    if (std::abs(qk) < kBigInv || std::abs(pk) < kBigInv) {
      pkm2 *= kBig;
      pkm1 *= kBig;
      qkm2 *= kBig;
      qkm1 *= kBig;
    }
  }
  return ans;
}

inline double betainc(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0)) return kNan;
  if (!(x > 0.0) || !(x < 1.0)) {
    if (x == 0.0) return 0.0;
    if (x == 1.0) return 1.0;
    return kNan;
  }
  if (b * x <= 1.0 && x <= 0.95) return betainc_series(a, b, x);
  double w = 1.0 - x, xc = w;
  const bool swapped = x > a / (a + b);
  if (swapped) {
    std::swap(a, b);
    xc = x;
    x = w;
  }
  auto complement = [](double t) { return t <= kMachEp ? 1.0 - kMachEp : 1.0 - t; };
  if (swapped && b * x <= 1.0 && x <= 0.95) return complement(betainc_series(a, b, x));
  if (x * (a + b - 2.0) - (a - 1.0) < 0.0)
    w = beta_continued_fraction({a, a + b, a, a + 1.0, 1.0, b - 1.0, a + 1.0, a + 2.0, 1.0, -1.0},
                                x);
  else
    w = beta_continued_fraction({a, b - 1.0, a, a + 1.0, 1.0, a + b, a + 1.0, a + 2.0, -1.0, 1.0},
                                x / (1.0 - x)) /
        xc;
  // w * x^a (1 - x)^b Gamma(a + b) / (a Gamma(a) Gamma(b))
  const double log_xa = a * std::log(x), log_xcb = b * std::log(xc);
  double t;
  if (a + b < kMaxGamma && std::abs(log_xa) < kMaxLog && std::abs(log_xcb) < kMaxLog) {
    t = std::pow(xc, b) * std::pow(x, a) / a * w * std::tgamma(a + b) /
        (std::tgamma(a) * std::tgamma(b));
  } else {
    const double y = log_xa + log_xcb + lgamma(a + b) - lgamma(a) - lgamma(b) + std::log(w / a);
    t = y < kMinLog ? 0.0 : std::exp(y);
  }
  return swapped ? complement(t) : t;
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
template <typename T>
inline T igamma(T a, T x) {
  return static_cast<T>(detail::igamma(static_cast<double>(a), static_cast<double>(x)));
}
template <typename T>
inline T igammac(T a, T x) {
  return static_cast<T>(detail::igammac(static_cast<double>(a), static_cast<double>(x)));
}
template <typename T>
inline T igamma_grad_a(T a, T x) {
  return static_cast<T>(detail::igamma_grad_a(static_cast<double>(a), static_cast<double>(x)));
}
template <typename T>
inline T betainc(T a, T b, T x) {
  return static_cast<T>(
      detail::betainc(static_cast<double>(a), static_cast<double>(b), static_cast<double>(x)));
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
