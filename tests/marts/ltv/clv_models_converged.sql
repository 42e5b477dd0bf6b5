-- Warns (one line in the build) when a CLV model could not be fitted: the
-- predictions are then null. The rows say which model and why.
{{ config(severity='warn') }}

select distinct
    model,
    message
from {{ ref('clv_model_params') }}
where not converged
