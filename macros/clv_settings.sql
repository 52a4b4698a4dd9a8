{#- The lifetime-value settings every CLV model shares, computed once at
    compile time from the vars, in the same floating point as
    retention_lib.lifetime_value (each value is rendered as the shortest
    text of its double, which every engine parses to the same bits):
    - units_per_day: clv_time_unit in BG/NBD time units per day (1 or 1/7);
    - units_per_month: 365.25 / 12 days in those units;
    - horizon_months: var clv_horizon_months;
    - monthly_discount: (1 + var discount_rate) ^ (1 / 12) - 1, the rate
      per month at which residual lifetimes and purchases are discounted;
    - sbg_tail_months: how many further months of an sBG customer's
      survival the discounted residual lifetime sums (the terms left out
      weigh less than 1e-17 of the total; see
      int_residual_lifetimes_discounted_to_segment_period).
    A wrong var stops the compilation with its name. -#}
{% macro clv_settings() -%}
    {%- set time_unit = var('clv_time_unit') -%}
    {%- if time_unit == 'day' -%}
        {%- set units_per_day = 1.0 -%}
    {%- elif time_unit == 'week' -%}
        {%- set units_per_day = 1 / 7 -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var clv_time_unit must be 'day' or 'week', got '"
            ~ time_unit ~ "'") }}
    {%- endif -%}
    {%- set discount_rate = var('discount_rate') | float -%}
    {%- if discount_rate <= 0 -%}
        {{ exceptions.raise_compiler_error(
            "var discount_rate must be positive (the discounted residual"
            ~ " lifetime is an infinite sum otherwise), got "
            ~ var('discount_rate')) }}
    {%- endif -%}
    {%- set horizon_months = var('clv_horizon_months') | int -%}
    {%- if horizon_months < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var clv_horizon_months must be a whole number of months >= 1,"
            ~ " got " ~ var('clv_horizon_months')) }}
    {%- endif -%}
    {%- set monthly_discount = (1 + discount_rate) ** (1 / 12) - 1 -%}
    {#- months N with (1 + d) ^ (-N / 12) < 1e-17 x (1 - z), z = 1 / (1 +
        monthly d): N = 12 (ln 1e17 - ln(1 - z)) / ln(1 + d); Jinja has no
        logarithm, so ln(y) = n (y ^ (1 / n) - 1) with n = 2^20, exact
        enough for a bound (a few months are added) -#}
    {%- set n = 2 ** 20 -%}
    {%- set one_minus_z = monthly_discount / (1 + monthly_discount) -%}
    {%- set ln_needed = n * ((1e17 / one_minus_z) ** (1 / n) - 1) -%}
    {%- set ln_growth = n * ((1 + discount_rate) ** (1 / n) - 1) -%}
    {%- set sbg_tail_months = (12 * ln_needed / ln_growth) | int + 12 -%}
    {{ return({
        'units_per_day': units_per_day,
        'units_per_month': 365.25 / 12 * units_per_day,
        'horizon_months': horizon_months,
        'monthly_discount': monthly_discount,
        'gross_margin': var('gross_margin') | float,
        'sbg_tail_months': sbg_tail_months}) }}
{%- endmacro %}

{#- A double from a compile-time number: its shortest text, as a text
    literal cast to double, which every engine parses to the same bits (a
    numeric literal is a decimal first on DuckDB, whose conversion to
    double can differ in the last bit). -#}
{% macro double_literal(number) -%}
    cast('{{ number }}' as {{ type_double() }})
{%- endmacro %}

{#- exp(x), 0 where it would underflow: PostgreSQL raises an error for a
    result below the smallest double, DuckDB and Spark return 0. -#}
{% macro exp_or_zero(expression) -%}
    case when {{ expression }} < -700 then 0 else exp({{ expression }}) end
{%- endmacro %}

{#- One row per identified fit of a model in clv_model_parameters (its
    segment, scope, contract length and cohort), with one column per
    parameter: clv_fit_parameters('sbg', ['alpha', 'beta']). Fits that
    failed or are not identified score nobody, so they are not here. -#}
{% macro clv_fit_parameters(model_name, parameter_names) -%}
    select
        segment,
        fit_scope,
        contract_months,
        cohort_month,
        {%- for name in parameter_names %}
        max(case when parameter = '{{ name }}' then value end) as {{ name }}
        {{- ',' if not loop.last }}
        {%- endfor %}

    from {{ ref('clv_model_parameters') }}

    where model = '{{ model_name }}' and is_identified

    group by segment, fit_scope, contract_months, cohort_month
{%- endmacro %}
