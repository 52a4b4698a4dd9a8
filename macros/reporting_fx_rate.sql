{#- The rate that converts a row's amount into the reporting currency: 1 for
    rows already in it, else the rate_to_reporting of the joined
    int_fx_rates_filled_to_day row (NULL when none: callers test for it). -#}
{% macro reporting_fx_rate(currency_column, rates_alias) -%}
    case
        when {{ currency_column }} = '{{ var("reporting_currency") }}'
            then 1.0
        else {{ rates_alias }}.rate_to_reporting
    end
{%- endmacro %}
