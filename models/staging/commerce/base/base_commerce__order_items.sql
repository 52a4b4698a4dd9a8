{# Validation of raw export `order_items` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('commerce', 'order_items', parents=[
    ref('base_commerce__orders'),
]) }}
