{# Validation of raw export `events` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('product', 'events', parents=[
    ref('base_product__users'),
    ref('base_billing__customers'),
]) }}
