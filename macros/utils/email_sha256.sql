{#- E-mail addresses reach the marts only as a keyed hash: HMAC-SHA256 (RFC 2104)
    with a key from the environment, written in SQL so that both engines compute it.
    The key's two pads are in the compiled SQL: target/ and the logs of a build are
    as secret as the key (docs/configuration.md). -#}

{% macro email_sha256(email) -%}
    {%- set key = env_var('LOYALTY_EMAIL_HASH_KEY', '') -%}
    {%- if not key -%}
        {%- if execute and model is defined and model.resource_type == 'model' -%}
            {{ log(model.name ~ ".email_sha256 is null: set the environment variable "
                   ~ "LOYALTY_EMAIL_HASH_KEY to a secret of 16 or more characters to hash "
                   ~ "e-mail addresses with it (docs/configuration.md)", info=true) }}
        {%- endif -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- if key | length < 16 -%}
        {{ exceptions.raise_compiler_error(
            "LOYALTY_EMAIL_HASH_KEY is " ~ key | length ~ " characters long: use a secret of "
            ~ "16 or more (a shorter key can be guessed, and with it every address matched)"
        ) }}
    {%- endif -%}
    {%- set pads = hmac_key_pads(key) -%}
    {%- set message = 'lower(trim(' ~ email ~ '))' -%}
    {%- set inner = sha256_hex_of_bytes(
        "unhex('" ~ pads.inner ~ "')", utf8_bytes(message)) -%}
    case
        when {{ email }} is not null then
            {{ sha256_hex_of_bytes("unhex('" ~ pads.outer ~ "')", "unhex(" ~ inner ~ ")") }}
    end
{%- endmacro %}


{% macro hmac_key_pads(key) -%}
    {%- set key_bytes = key.encode('utf-8') | list -%}
    {%- if key_bytes | length > 64 -%}
        {#- RFC 2104: a key longer than the block is hashed first -#}
        {%- set hashed = run_query("select " ~ sha256_hex_of_bytes(
            "unhex('" ~ hex_of_bytes(key_bytes) ~ "')", "unhex('')")).columns[0].values()[0] -%}
        {%- set key_bytes = [] -%}
        {%- for i in range(0, 64, 2) -%}
            {%- do key_bytes.append(hashed[i:i + 2] | int(base=16)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set padded = key_bytes + [0] * (64 - key_bytes | length) -%}
    {%- set inner, outer = [], [] -%}
    {%- for byte in padded -%}
        {%- do inner.append(bitwise_xor(byte, 54)) -%}
        {%- do outer.append(bitwise_xor(byte, 92)) -%}
    {%- endfor -%}
    {{ return({'inner': hex_of_bytes(inner), 'outer': hex_of_bytes(outer)}) }}
{%- endmacro %}


{% macro bitwise_xor(a, b) -%}
    {%- set result = namespace(value=0) -%}
    {%- for bit in range(8) -%}
        {%- set power = 2 ** bit -%}
        {%- if (a // power) % 2 != (b // power) % 2 -%}
            {%- set result.value = result.value + power -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result.value) }}
{%- endmacro %}


{% macro hex_of_bytes(values) -%}
    {%- set digits = [] -%}
    {%- for value in values -%}{%- do digits.append('%02x' % value) -%}{%- endfor -%}
    {{ return(digits | join('')) }}
{%- endmacro %}


{% macro sha256_hex_of_bytes(first, second) -%}
    {{ return(adapter.dispatch('sha256_hex_of_bytes', 'loyalty_warehouse')(first, second)) }}
{%- endmacro %}

{% macro default__sha256_hex_of_bytes(first, second) -%}
    sha256({{ first }} || {{ second }})
{%- endmacro %}

{% macro spark__sha256_hex_of_bytes(first, second) -%}
    sha2(concat({{ first }}, {{ second }}), 256)
{%- endmacro %}


{% macro utf8_bytes(text) -%}
    {{ return(adapter.dispatch('utf8_bytes', 'loyalty_warehouse')(text)) }}
{%- endmacro %}

{% macro default__utf8_bytes(text) -%}
    encode({{ text }})
{%- endmacro %}

{% macro spark__utf8_bytes(text) -%}
    cast({{ text }} as binary)
{%- endmacro %}
