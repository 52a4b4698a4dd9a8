"""Probabilistic customer lifetime value, fitted by maximum likelihood.

Implemented from the original papers (log-likelihoods written out from
their equations, vectorised with numpy/scipy):

- BG/NBD: Fader, Hardie and Lee (2005), "Counting your customers the easy
  way: an alternative to the Pareto/NBD model", Marketing Science 24(2).
  Likelihood eq. (6), P(alive) eq. (13), conditional expectation eq. (10).
- Gamma-Gamma spend model: Fader, Hardie and Lee (2005), "RFM and CLV:
  using iso-value curves for customer base analysis", JMR 42(4), and Fader
  and Hardie (2013), "The Gamma-Gamma model of monetary value".
- Shifted-beta-geometric (sBG): Fader and Hardie (2007), "How to project
  customer retention", Journal of Interactive Marketing 21(1); discounted
  expected residual lifetime from Fader and Hardie (2010), "Customer-base
  valuation in a contractual setting: the perils of ignoring
  heterogeneity", Marketing Science 29(1).

Every fit works on rows collapsed to unique values with weights, optimises
the log-parameters, and reports standard errors from the inverse of the
numerical Hessian of the negative log-likelihood at the optimum. A fit that
does not converge, or whose Hessian is not positive definite, raises
FitError instead of returning numbers. An optional penalizer turns a fit
into a maximum a posteriori one (see _penalised; off by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from retention_lib import memo


class FitError(RuntimeError):
    """A maximum-likelihood fit did not converge to a proper optimum."""


@dataclass
class Fit:
    """Fitted parameters with standard errors and the maximised log-likelihood."""

    model: str
    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n_observations: float
    iterations: int = 0
    extra: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> float:
        return self.params[name]


def collapse(*columns: np.ndarray, weights=None) -> tuple[list[np.ndarray],
                                                          np.ndarray]:
    """Unique rows of the given columns and how often each occurs (or, with
    weights, the sum of the weights of each unique row).

    Non-negative integer columns (counts, whole days or weeks) are packed
    into one int64 key, which is much faster to sort than rows of floats.
    """
    arrays = [np.asarray(c, dtype=float) for c in columns]

    def unique_with_totals(values, **axis):
        if weights is None:  # counting only: no inverse index needed
            unique, counts = np.unique(values, return_counts=True, **axis)
            return unique, counts.astype(float)
        unique, inverse = np.unique(values, return_inverse=True, **axis)
        return unique, np.bincount(np.ravel(inverse),
                                   weights=np.asarray(weights, dtype=float))

    integral = all(np.all(a >= 0) and np.all(a == np.floor(a)) for a in arrays)
    spans = [int(a.max()) + 1 if a.size else 1 for a in arrays]
    if integral and float(np.prod([float(s) for s in spans])) < 2**62:
        key = np.zeros(arrays[0].size, dtype=np.int64)
        for a, span in zip(arrays, spans, strict=True):
            key = key * span + a.astype(np.int64)
        unique_keys, totals = unique_with_totals(key)
        out = []
        for span in reversed(spans):
            out.append((unique_keys % span).astype(float))
            unique_keys = unique_keys // span
        return out[::-1], totals
    unique, totals = unique_with_totals(np.column_stack(arrays), axis=0)
    return [unique[:, i] for i in range(unique.shape[1])], totals


def _numerical_hessian(function, point: np.ndarray) -> np.ndarray:
    """Central-difference Hessian with steps relative to each coordinate."""
    k = point.size
    steps = 1e-4 * np.maximum(np.abs(point), 1e-2)

    def shifted(i: int, j: int, di: float, dj: float) -> float:
        moved = point.copy()
        moved[i] += di * steps[i]
        moved[j] += dj * steps[j]
        return function(moved)

    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            value = (shifted(i, j, 1, 1) - shifted(i, j, 1, -1)
                     - shifted(i, j, -1, 1) + shifted(i, j, -1, -1)) / (
                4 * steps[i] * steps[j])
            hessian[i, j] = hessian[j, i] = value
    return hessian


def _jacobian_of(gradient, point: np.ndarray) -> np.ndarray:
    """Hessian as the central-difference Jacobian of an analytic gradient."""
    steps = 1e-5 * np.maximum(np.abs(point), 1e-2)
    columns = []
    for i in range(point.size):
        up, down = point.copy(), point.copy()
        up[i] += steps[i]
        down[i] -= steps[i]
        columns.append((gradient(up) - gradient(down)) / (2 * steps[i]))
    jacobian = np.column_stack(columns)
    return (jacobian + jacobian.T) / 2


def _penalised(negative_ll, gradient, shapes: np.ndarray, penalizer: float):
    """The objective and its gradient with penalizer x sum of (ln theta)^2
    over the shape parameters (mask `shapes`): the negative log-posterior
    under independent normal priors on the log shape parameters, centred
    on 1 with variance 1 / (2 penalizer). Scale parameters (in time or
    money units) are left free."""
    if penalizer == 0:
        return negative_ll, gradient
    if penalizer < 0:
        raise ValueError(f"the penalizer must be >= 0, got {penalizer}")

    def objective(params: np.ndarray) -> float:
        params = np.asarray(params, dtype=float)
        if np.any(params <= 0):
            return np.inf
        return negative_ll(params) + penalizer * float(
            np.sum(np.log(params[shapes]) ** 2))

    def penalised_gradient(params: np.ndarray) -> np.ndarray:
        params = np.asarray(params, dtype=float)
        return gradient(params) + np.where(
            shapes, 2 * penalizer * np.log(params) / params, 0.0)

    return objective, (None if gradient is None else penalised_gradient)


def _fit_to_json(fit: Fit) -> dict:
    return {"model": fit.model, "params": fit.params,
            "standard_errors": fit.standard_errors,
            "log_likelihood": fit.log_likelihood,
            "n_observations": fit.n_observations, "iterations": fit.iterations,
            "penalizer": fit.extra["penalizer"],
            "covariance": fit.extra["covariance"].tolist()}


def _fit_from_json(value: dict) -> Fit:
    return Fit(model=value["model"], params=value["params"],
               standard_errors=value["standard_errors"],
               log_likelihood=value["log_likelihood"],
               n_observations=value["n_observations"],
               iterations=value["iterations"],
               extra={"penalizer": value["penalizer"],
                      "covariance": np.asarray(value["covariance"], dtype=float)})


def _fit(model: str, names: list[str], negative_ll, start: np.ndarray,
         n_observations: float, data: tuple, gradient=None,
         penalizer: float = 0.0, shapes: list[str] | None = None) -> Fit:
    """_maximise, or the fit kept for the same model, data (the collapsed
    arrays negative_ll and gradient are made of), start and settings
    (retention_lib.memo: kept only between runs of the dbt models)."""
    settings = (tuple(names), tuple(np.asarray(start, dtype=float).tolist()),
                float(n_observations), float(penalizer), tuple(shapes or names))
    return memo.remembered(
        model, data, settings,
        lambda: _maximise(model, names, negative_ll, start, n_observations,
                          gradient, penalizer, shapes),
        _fit_to_json, _fit_from_json, failure=FitError)


def _maximise(model: str, names: list[str], negative_ll, start: np.ndarray,
              n_observations: float, gradient=None, penalizer: float = 0.0,
              shapes: list[str] | None = None) -> Fit:
    """Maximise over log-parameters, then standard errors in natural units.

    gradient, when given, returns d(negative_ll)/d(params) in natural units.
    With a penalizer > 0 the estimate maximises the log-likelihood minus
    penalizer x sum of (ln theta)^2 over the parameters named in `shapes`
    (a maximum a posteriori estimate), the standard errors come from the
    Hessian of that penalised objective, and log_likelihood is still the
    plain log-likelihood at the estimate.
    """
    plain_ll = negative_ll
    mask = np.array([name in (shapes or names) for name in names])
    negative_ll, gradient = _penalised(negative_ll, gradient, mask, penalizer)

    def on_log_scale(log_params: np.ndarray) -> float:
        value = negative_ll(np.exp(log_params))
        return value if np.isfinite(value) else 1e300

    jacobian = None
    if gradient is not None:
        def jacobian(log_params: np.ndarray) -> np.ndarray:
            params = np.exp(log_params)
            return gradient(params) * params

    # BFGS's trial steps reach parameters where exp overflows and the
    # likelihood is not finite: such a point scores 1e300 (rejected), so
    # numpy's warnings about it are noise (they filled the Spark suite's log)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = optimize.minimize(on_log_scale, np.log(start), jac=jacobian,
                                   method="BFGS",
                                   options={"gtol": 1e-7, "maxiter": 2000})
    # BFGS often stops with "precision loss" at a genuine optimum; accept it
    # only when the gradient there is small relative to the sample size.
    gradient_ok = np.all(np.abs(result.jac) < 1e-3 * max(1.0, n_observations))
    if not np.isfinite(result.fun) or not (result.success or gradient_ok):
        raise FitError(f"{model}: maximum likelihood did not converge "
                       f"({result.message}; parameters {np.exp(result.x)})")
    estimate = np.exp(result.x)
    hessian = (_numerical_hessian(negative_ll, estimate) if gradient is None
               else _jacobian_of(gradient, estimate))
    try:
        covariance = np.linalg.inv(hessian)
        variances = np.diag(covariance)
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError as error:
        raise FitError(f"{model}: the Hessian at {estimate} is not positive "
                       "definite; the parameters are not identified by "
                       "this data") from error
    if np.any(variances <= 0) or not np.all(np.isfinite(variances)):
        raise FitError(f"{model}: invalid standard errors at {estimate}")
    return Fit(model=model,
               params=dict(zip(names, estimate.tolist(), strict=True)),
               standard_errors=dict(zip(names, np.sqrt(variances).tolist(),
                                        strict=True)),
               log_likelihood=-float(plain_ll(estimate)),
               n_observations=float(n_observations),
               iterations=int(result.nit),
               extra={"penalizer": penalizer, "covariance": covariance})


# --------------------------------------------------------------- BG/NBD


def bgnbd_log_likelihood(params, frequency, recency, age) -> np.ndarray:
    """Per-customer log-likelihood of FHL (2005) eq. (6).

    frequency x = repeat purchases, recency t_x = time of the last purchase
    since the first, age T = time since the first purchase (same unit).
    """
    r, alpha, a, b = params
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    age = np.asarray(age, dtype=float)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    still_alive = (special.betaln(a, b + x) - beta_ab
                   - (r + x) * np.log(alpha + age))
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)
    dropped_after_last = (special.betaln(a + 1, b + safe_x - 1) - beta_ab
                          - (r + safe_x) * np.log(alpha + t_x))
    return common + np.where(repeat,
                             np.logaddexp(still_alive, dropped_after_last),
                             still_alive)


def fit_bgnbd(frequency, recency, age, weights=None,
              start=(1.0, 1.0, 1.0, 1.0), penalizer: float = 0.0) -> Fit:
    """Maximum-likelihood BG/NBD (r, alpha, a, b) on collapsed rows (with a
    penalizer > 0: on r, a and b, see _fit)."""
    if weights is None:
        (x, t_x, age_u), weights = collapse(frequency, recency, age)
    else:
        x, t_x, age_u = (np.asarray(v, dtype=float)
                         for v in (frequency, recency, age))
        weights = np.asarray(weights, dtype=float)
    _check_rfm(x, t_x, age_u)
    if not np.any(x > 0):
        raise FitError("bgnbd: no customer has a repeat purchase, so the "
                       "purchase and dropout processes are not identified")
    start = np.asarray(start, dtype=float)
    # scale alpha's start to the time unit (alpha is in time units)
    start[1] = max(start[1], float(np.average(age_u, weights=weights)) / 10)
    likelihood = _BgnbdLikelihood(x, t_x, age_u, weights)
    return _fit("bgnbd", ["r", "alpha", "a", "b"], likelihood.negative,
                start, weights.sum(), (x, t_x, age_u, weights),
                gradient=likelihood.negative_gradient,
                penalizer=penalizer, shapes=["r", "a", "b"])


class _BgnbdLikelihood:
    """Eq. (6) summed over weighted rows, with its analytic gradient.

    Terms that depend only on x, only on T or only on t_x are computed once
    per distinct value and indexed, so a million customers cost little more
    than their distinct values.
    """

    def __init__(self, x, t_x, age, weights) -> None:
        self.x_levels, self.ix = np.unique(x, return_inverse=True)
        self.age_levels, self.iage = np.unique(age, return_inverse=True)
        self.t_levels, self.it = np.unique(t_x, return_inverse=True)
        self.x = x
        self.weights = weights
        self.repeat = x > 0
        self.safe_levels = np.where(self.x_levels > 0, self.x_levels, 1.0)

    def _terms(self, params):
        r, alpha, a, b = params
        xl, sl = self.x_levels, self.safe_levels
        beta_ab = special.betaln(a, b)
        common = (special.gammaln(r + xl) - special.gammaln(r))[self.ix] \
            + r * np.log(alpha)
        log_age = np.log(alpha + self.age_levels)[self.iage]
        log_t = np.log(alpha + self.t_levels)[self.it]
        alive = (special.betaln(a, b + xl) - beta_ab)[self.ix] \
            - (r + self.x) * log_age
        dropped = (special.betaln(a + 1, b + sl - 1) - beta_ab)[self.ix] \
            - (r + np.where(self.repeat, self.x, 1.0)) * log_t
        total = np.where(self.repeat, np.logaddexp(alive, dropped), alive)
        return common, alive, dropped, total, log_age, log_t

    def negative(self, params) -> float:
        if np.any(~np.isfinite(params)) or np.any(np.asarray(params) <= 0):
            return np.inf
        common, _, _, total, _, _ = self._terms(params)
        return -float(np.dot(self.weights, common + total))

    def negative_gradient(self, params) -> np.ndarray:
        r, alpha, a, b = params
        xl, sl = self.x_levels, self.safe_levels
        _, alive, dropped, total, log_age, log_t = self._terms(params)
        share_alive = np.where(self.repeat, np.exp(alive - total), 1.0)
        share_dropped = 1.0 - share_alive
        x = self.x
        psi = special.digamma
        d_common_r = (psi(r + xl) - psi(r))[self.ix] + np.log(alpha)
        d_common_alpha = r / alpha
        inv_age = (1 / (alpha + self.age_levels))[self.iage]
        inv_t = (1 / (alpha + self.t_levels))[self.it]
        d_alive = [
            -log_age,
            -(r + x) * inv_age,
            (psi(a + b) - psi(a + b + xl))[self.ix],
            (psi(b + xl) - psi(a + b + xl) - psi(b) + psi(a + b))[self.ix],
        ]
        d_dropped = [
            -log_t,
            -(r + x) * inv_t,
            (psi(a + 1) - psi(a) + psi(a + b) - psi(a + b + sl))[self.ix],
            (psi(b + sl - 1) - psi(a + b + sl) - psi(b)
             + psi(a + b))[self.ix],
        ]
        gradient = np.array([
            np.dot(self.weights, share_alive * da + share_dropped * dd)
            for da, dd in zip(d_alive, d_dropped, strict=True)])
        gradient[0] += np.dot(self.weights, d_common_r)
        gradient[1] += d_common_alpha * self.weights.sum()
        return -gradient


def _check_rfm(x, t_x, age) -> None:
    if np.any(x < 0) or np.any(t_x < 0) or np.any(age <= 0):
        raise ValueError("frequency and recency must be >= 0, age > 0")
    if np.any(t_x > age + 1e-9):
        raise ValueError("recency cannot exceed age")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("a customer without repeat purchases has recency 0")
    if x.size == 0:
        raise ValueError("no customers to fit")


def bgnbd_probability_alive(params, frequency, recency, age) -> np.ndarray:
    """P(alive | x, t_x, T), FHL (2005) eq. (13)."""
    r, alpha, a, b = params
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    age = np.asarray(age, dtype=float)
    safe_x = np.where(x > 0, x, 1.0)
    log_odds = (np.log(a) - np.log(b + safe_x - 1)
                + (r + safe_x) * (np.log(alpha + age) - np.log(alpha + t_x)))
    return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds)), 1.0)


def bgnbd_expected_purchases(params, horizon, frequency, recency,
                             age) -> np.ndarray:
    """E[purchases in (T, T + horizon] | x, t_x, T], FHL (2005) eq. (10)."""
    r, alpha, a, b = params
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    age = np.asarray(age, dtype=float)
    t = float(horizon)
    hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1,
                                     t / (alpha + age + t))
    numerator = (a + b + x - 1) / (a - 1) * (
        1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hypergeometric)
    return numerator * bgnbd_probability_alive(params, x, t_x, age)


def bgnbd_unconditional_expected_purchases(params, t) -> np.ndarray:
    """E[X(t)] for a new customer, FHL (2005) eq. (9)."""
    r, alpha, a, b = params
    t = np.asarray(t, dtype=float)
    return (a + b - 1) / (a - 1) * (
        1 - (alpha / (alpha + t)) ** r
        * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


# ---------------------------------------------------------- Gamma-Gamma


def gamma_gamma_log_likelihood(params, frequency, mean_value) -> np.ndarray:
    """Per-customer log-likelihood of the mean of x transaction values."""
    p, q, gamma = params
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(mean_value, dtype=float)
    return (special.gammaln(p * x + q) - special.gammaln(p * x)
            - special.gammaln(q) + q * np.log(gamma)
            + (p * x - 1) * np.log(m) + p * x * np.log(x)
            - (p * x + q) * np.log(gamma + m * x))


def gamma_gamma_gradient(params, frequency, mean_value) -> np.ndarray:
    """d(log-likelihood)/d(p, q, gamma) per customer (rows p, q, gamma),
    differentiating gamma_gamma_log_likelihood term by term (digamma for
    the log-gamma terms)."""
    p, q, gamma = params
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(mean_value, dtype=float)
    shared = special.digamma(p * x + q) - np.log(gamma + m * x)
    return np.vstack([
        x * (shared - special.digamma(p * x) + np.log(m) + np.log(x)),
        shared - special.digamma(q) + np.log(gamma),
        q / gamma - (p * x + q) / (gamma + m * x)])


def fit_gamma_gamma(frequency, mean_value, weights=None,
                    start=(1.0, 1.0, 1.0), penalizer: float = 0.0) -> Fit:
    """Maximum-likelihood Gamma-Gamma (p, q, gamma); customers with x >= 1
    (with a penalizer > 0: on p and q, see _fit)."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(mean_value, dtype=float)
    if weights is None:
        weights = np.ones_like(x)
    weights = np.asarray(weights, dtype=float)
    keep = x > 0
    if not np.any(keep):
        raise FitError("gamma_gamma: no customer has a repeat purchase")
    if np.any(m[keep] <= 0):
        raise ValueError("mean transaction values must be > 0")
    (x, m), counts = collapse(x[keep], m[keep], weights=weights[keep])
    start = np.asarray(start, dtype=float)
    start[2] = max(start[2], float(np.average(m, weights=counts)))

    def negative_ll(params: np.ndarray) -> float:
        return -float(np.dot(counts, gamma_gamma_log_likelihood(params, x, m)))

    def negative_gradient(params: np.ndarray) -> np.ndarray:
        return -(gamma_gamma_gradient(params, x, m) @ counts)

    return _fit("gamma_gamma", ["p", "q", "gamma"], negative_ll, start,
                counts.sum(), (x, m, counts), gradient=negative_gradient,
                penalizer=penalizer, shapes=["p", "q"])


def gamma_gamma_expected_value(params, frequency, mean_value) -> np.ndarray:
    """E[M | x, mean value]: the customer's expected transaction value."""
    p, q, gamma = params
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(mean_value, dtype=float)
    population_mean = p * gamma / (q - 1) if q > 1 else np.nan
    conditional = p * (gamma + x * m) / (p * x + q - 1)
    return np.where(x > 0, conditional, population_mean)


# ------------------------------------------------------------------ sBG


def sbg_churn_probability(alpha: float, beta: float, periods) -> np.ndarray:
    """P(T = t), t = 1, 2, ...: B(alpha + 1, beta + t - 1) / B(alpha, beta)."""
    t = np.asarray(periods, dtype=float)
    return np.exp(special.betaln(alpha + 1, beta + t - 1)
                  - special.betaln(alpha, beta))


def sbg_survival(alpha: float, beta: float, periods) -> np.ndarray:
    """S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta)."""
    t = np.asarray(periods, dtype=float)
    return np.exp(special.betaln(alpha, beta + t)
                  - special.betaln(alpha, beta))


def fit_sbg(periods, churned, weights=None, start=(1.0, 1.0),
            penalizer: float = 0.0) -> Fit:
    """Maximum-likelihood sBG (alpha, beta).

    One row per customer (or group with weights): `periods` = the period in
    which the customer churned (churned true, contributes ln P(T = t)) or the
    number of periods survived so far (churned false, right-censored,
    contributes ln S(t)). Cohorts of different ages mix freely.
    """
    t = np.asarray(periods, dtype=float)
    lost = np.asarray(churned, dtype=bool)
    if weights is None:
        weights = np.ones_like(t)
    weights = np.asarray(weights, dtype=float)
    if t.size == 0:
        raise FitError("sbg: no customers to fit")
    if np.any(t[lost] < 1) or np.any(t[~lost] < 0):
        raise ValueError("a churn period is >= 1; survived periods >= 0")
    if not np.any(lost):
        raise FitError("sbg: no customer has churned yet, so the churn "
                       "rate is not identified")
    if not np.any(~lost & (t > 0)):
        raise FitError("sbg: every customer has churned in the data; the "
                       "heterogeneity is not identified without survivors")
    (t_u, lost_flag), counts = collapse(t, lost.astype(float), weights=weights)
    lost_u = lost_flag > 0

    def negative_ll(params: np.ndarray) -> float:
        alpha, beta = params
        ll = np.where(lost_u,
                      special.betaln(alpha + 1, beta + np.maximum(t_u, 1) - 1),
                      special.betaln(alpha, beta + t_u))
        return -float(np.dot(counts, ll - special.betaln(alpha, beta)))

    return _fit("sbg", ["alpha", "beta"], negative_ll, np.asarray(start),
                counts.sum(), (t_u, lost_u, counts), penalizer=penalizer)


def survivors_to_observations(survivors) -> tuple[np.ndarray, np.ndarray,
                                                  np.ndarray]:
    """Cohort counts alive at t = 0, 1, ..., n -> (periods, churned, weights)."""
    alive = np.asarray(survivors, dtype=float)
    lost = alive[:-1] - alive[1:]
    if np.any(lost < 0):
        raise ValueError("survivor counts cannot increase")
    periods = np.concatenate([np.arange(1, alive.size), [alive.size - 1]])
    churned = np.concatenate([np.ones(alive.size - 1, bool), [False]])
    return periods, churned, np.concatenate([lost, [alive[-1]]])


def sbg_discounted_expected_residual_lifetime(alpha: float, beta: float,
                                              renewals, discount_rate: float):
    """DERL of a customer who has made `renewals` renewals (FH 2010).

    The customer is in period n = renewals + 1 (survived n - 1 periods),
    just before the renewal that ends it. DERL is the expected number of
    further payments, the next one undiscounted and each later one
    discounted by 1 / (1 + d) per period:
    sum over k >= 0 of S(n + k) / S(n - 1) / (1 + d)^k
    = (beta + n - 1) / (alpha + beta + n - 1)
      x 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d)).
    """
    n = np.asarray(renewals, dtype=float) + 1
    d = float(discount_rate)
    if d <= 0:
        raise ValueError("DERL needs a positive discount rate per period")
    return ((beta + n - 1) / (alpha + beta + n - 1)
            * special.hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + d)))


def sbg_expected_remaining_lifetime(alpha: float, beta: float, renewals):
    """Undiscounted expected further payments: (beta + n - 1) / (alpha - 1).

    Infinite (returned as inf) when alpha <= 1: the heterogeneity leaves
    enough customers with tiny churn rates that the mean does not exist.
    """
    n = np.asarray(renewals, dtype=float) + 1
    if alpha <= 1:
        return np.full_like(n, np.inf)
    return (beta + n - 1) / (alpha - 1)


# ------------------------------------------------------------ simulation


def simulate_bgnbd(params, age, rng: np.random.Generator) -> tuple[np.ndarray,
                                                                  np.ndarray]:
    """(frequency, recency) of customers with the given ages under BG/NBD.

    lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); purchases follow a
    Poisson process at rate lambda and the customer drops out after each
    repeat purchase with probability p. With N ~ Poisson(lambda T) events in
    (0, T] and the dropout after the K-th (K ~ Geometric(p)), x = min(N, K)
    and t_x is the x-th of N uniform order statistics: T x Beta(x, N - x + 1).
    """
    r, alpha, a, b = params
    age = np.asarray(age, dtype=float)
    n = age.size
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    events = rng.poisson(rate * age)
    lasting = rng.geometric(np.clip(dropout, 1e-12, 1))
    frequency = np.minimum(events, lasting)
    has = frequency > 0
    recency = np.zeros(n)
    recency[has] = age[has] * rng.beta(frequency[has],
                                       events[has] - frequency[has] + 1)
    return frequency.astype(float), recency


def simulate_sbg(alpha: float, beta: float, cohort_size: int, periods: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Survivors at t = 0..periods of a cohort under sBG (churn p ~ Beta)."""
    churn = rng.beta(alpha, beta, cohort_size)
    lifetime = rng.geometric(np.clip(churn, 1e-12, 1))
    return np.array([(lifetime > t).sum() for t in range(periods + 1)],
                    dtype=float)


def simulate_bgnbd_holdout(params, age, holdout: float,
                           rng: np.random.Generator) -> tuple[np.ndarray,
                                                              np.ndarray,
                                                              np.ndarray]:
    """(frequency, recency) over (0, T] and the purchases in (T, T +
    holdout] of customers under BG/NBD, from one purchase history each:
    Poisson purchase times at rate lambda over (0, T + holdout], the
    customer gone after the K-th repeat purchase (K ~ Geometric(p)). For
    holdout back-tests with known truth."""
    r, alpha, a, b = params
    age = np.asarray(age, dtype=float)
    n = age.size
    rate = rng.gamma(r, 1 / alpha, n)
    lasting = rng.geometric(np.clip(rng.beta(a, b, n), 1e-12, 1))
    events = rng.poisson(rate * (age + holdout))
    frequency, recency, later = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in np.flatnonzero(events):
        times = np.sort(rng.uniform(0, age[i] + holdout, events[i]))
        times = times[:lasting[i]]
        before = times[times <= age[i]]
        frequency[i] = before.size
        recency[i] = before[-1] if before.size else 0.0
        later[i] = times.size - before.size
    return frequency, recency, later
