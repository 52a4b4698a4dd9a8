{# Validation of raw export `email_sends` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('marketing', 'email_sends', parents=[
    ref('base_billing__customers'),
    ref('base_product__users'),
]) }}
