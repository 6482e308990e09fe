{#
    Map a text column onto Amazon's spelling of an enum, ignoring case, spaces and
    underscores: `CASES`, `cases` and ` Cases ` become `Cases`, and `small_parcel` becomes
    `SmallParcel`. Values outside `canonical_values` pass through trimmed, so accepted-values
    tests can report them.
#}
{% macro normalise_enum(column, canonical_values) -%}
    case
    {%- for value in canonical_values %}
        when {{ _enum_key(column) }} = '{{ value | lower | replace("_", "") | replace(" ", "") }}' then '{{ value }}'
    {%- endfor %}
        else trim({{ column }})
    end
{%- endmacro %}

{% macro _enum_key(column) -%}
    replace(replace(lower(trim({{ column }})), '_', ''), ' ', '')
{%- endmacro %}

{#
    Unit size of a quantity: the stated size for Cases, and 1 for Eaches, where Amazon
    sends 1 or nothing.
#}
{% macro unit_size(unit_of_measure, unit_size) -%}
    case when {{ unit_of_measure }} = 'Eaches' then 1 else {{ unit_size }} end
{%- endmacro %}

{#
    A quantity in eaches: the amount times the unit size, with both already normalised by
    `normalise_enum` and `unit_size`.
#}
{% macro to_eaches(amount, unit_size) -%}
    ({{ amount }} * {{ unit_size }})
{%- endmacro %}
