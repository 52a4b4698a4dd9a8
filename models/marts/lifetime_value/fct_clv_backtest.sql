{# The holdout back-tests of the lifetime-value models (see the yml):
   computed in Python (retention_lib.clv_backtest.backtest_from_inputs),
   on DuckDB by the dbt Python model int_clv_backtest_computed; on
   PostgreSQL and Spark by the CLI, which hands the rows to this model in
   var clv_backtest_rows, as it does the fits. #}

{%- set computed = var('clv_backtest_rows', none) %}

{%- set columns = [
    ('model', dbt.type_string()), ('comparison', dbt.type_string()),
    ('bucket', dbt.type_string()), ('contract_months', dbt.type_bigint()),
    ('cohort_month', 'date'), ('renewal_period', dbt.type_bigint()),
    ('customers', dbt.type_bigint()),
    ('unscored_customers', dbt.type_bigint()),
    ('predicted', type_double()), ('actual', type_double()),
    ('absolute_error', type_double()),
    ('mean_absolute_error', type_double()), ('fits', dbt.type_string()),
    ('time_unit', dbt.type_string()), ('calibration_end_date', 'date'),
    ('holdout_start_date', 'date'), ('holdout_end_date', 'date'),
    ('as_of_date', 'date'), ('status_reason', dbt.type_string())] %}

{%- if computed is none %}

select
    model,
    comparison,
    bucket,
    contract_months,
    cohort_month,
    renewal_period,
    customers,
    unscored_customers,
    predicted,
    actual,
    absolute_error,
    mean_absolute_error,
    fits,
    time_unit,
    calibration_end_date,
    holdout_start_date,
    holdout_end_date,
    as_of_date,
    status_reason

from {{ ref('int_clv_backtest_computed') }}

{%- else %}

{{ literal_rows(computed, columns) }}

{%- endif %}
