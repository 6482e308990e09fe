{#
    Whether a row of the vendor's inbox files or of the outbound ledger (`row_account`) belongs
    to `account`. An inbox file without an account or vendor code column is loaded only while
    one account is configured, and the ledger recorded no account before it kept several
    accounts apart. Such rows have a null account and belong to the installation's only
    account, so they match every account.
#}
{% macro belongs_to_account(row_account, account) -%}
    ({{ row_account }} is null or {{ row_account }} = {{ account }})
{%- endmacro %}

{# The account or vendor code column of an inbox file, null when the file has none. #}
{% macro inbox_account_column(relation, column_name) -%}
    nullif(trim(cast({{ column_or_null(relation, column_name) }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
