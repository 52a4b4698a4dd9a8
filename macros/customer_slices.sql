{#- The customer slices every sliced mart reports, one definition for all
    of them (int_customer_slices_by_month holds the values):
    dimension name -> the value a record gets when its customer, or the
    customer's attribute, is unknown. 'all' is the whole business. -#}
{% macro customer_slice_defaults() -%}
    {{ return({
        'segment': 'unknown',
        'plan_tier': 'none',
        'acquisition_channel': 'unknown',
        'country_code': 'unknown'
    }) }}
{%- endmacro %}

{% macro customer_slice_dimensions() -%}
    {{ return(['segment', 'plan_tier', 'acquisition_channel', 'country_code']) }}
{%- endmacro %}

{#- The rows of `relation` (a CTE or relation with a customer key and a
    month) once per slice they count in: 'all', then each customer
    dimension in `dimensions` (default: all four) with the customer's value
    in that month from int_customer_slices_by_month, then each column of
    the record itself named in `record_dimensions` (e.g. a ticket's
    priority). Adds dimension_name and dimension_value to the relation's
    columns. A record without a known customer (NULL key, or a key
    missing from dim_customers) counts under the documented defaults. The
    join is made once; the unpivot is a cross join with the list of
    dimension names. -#}
{% macro customer_slices(
    relation,
    customer_column='customer_id',
    month_column='date_month',
    dimensions=none,
    record_dimensions=[]
) -%}
    {%- set defaults = retention.customer_slice_defaults() -%}
    {%- set dimensions = retention.customer_slice_dimensions()
        if dimensions is none else dimensions -%}
    {%- set names = ['all'] + record_dimensions + dimensions -%}
    select
        sliced_records.*,
        cast(slice_names.dimension_name as {{ dbt.type_string() }})
            as dimension_name,
        cast(
            case slice_names.dimension_name
                when 'all' then 'all'
                {%- for name in record_dimensions %}
                when '{{ name }}' then sliced_records.{{ name }}
                {%- endfor %}
                {%- for name in dimensions %}
                when '{{ name }}'
                    then coalesce(
                        customer_slices_by_month.{{ name }},
                        '{{ defaults[name] }}'
                    )
                {%- endfor %}
            end as {{ dbt.type_string() }}
        ) as dimension_value

    from {{ relation }} as sliced_records

    left join {{ ref('int_customer_slices_by_month') }}
        as customer_slices_by_month
        on
            sliced_records.{{ customer_column }}
            = customer_slices_by_month.customer_id
            and sliced_records.{{ month_column }}
            = customer_slices_by_month.date_month

    cross join (
        {%- for name in names %}
        select '{{ name }}' as dimension_name
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as slice_names
{%- endmacro %}

{#- The join condition of two monthly sliced relations: the same month and
    the same slice. -#}
{% macro same_slice(left, right, month_column='date_month') -%}
    {{ left }}.{{ month_column }} = {{ right }}.{{ month_column }}
    and {{ left }}.dimension_name = {{ right }}.dimension_name
    and {{ left }}.dimension_value = {{ right }}.dimension_value
{%- endmacro %}
