"""The admin's pages as a browser uses them: their addresses, and their forms posted
as opened (plus changes)."""

import datetime

from django.urls import reverse


def admin_url(model, action, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def _field_data(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        _put(data, form.add_prefix(name), value)
        if field.show_hidden_initial:
            # A field whose model default is a callable (a publish time) has its
            # initial value in a hidden input too: the form compares with it.
            _put(data, form[name].html_initial_name, form[name].initial)


def _put(data, key, value):
    if value is None or value is False:
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, datetime.datetime):
        data[f"{key}_0"] = value.strftime("%Y-%m-%d")
        data[f"{key}_1"] = value.strftime("%H:%M:%S")
    elif hasattr(value, "pk"):
        data[key] = value.pk
    else:
        data[key] = value


def change_form_data(response, **changes):
    """The admin change (or add) form's current values as a POST, like a browser
    submitting it untouched, plus `changes`."""
    data = {}
    _field_data(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", ()):
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = value
        for form in formset.initial_forms:
            _field_data(form, data)
    data.update(changes)
    return data


def post_first_row(client, obj, field, value):
    """POST the admin change form of `obj` as opened, but with `field` of its
    first inline row set to `value`."""
    url = admin_url(type(obj), "change", obj.pk)
    data = change_form_data(client.get(url))
    key = next(key for key in data if key.endswith(f"-0-{field}"))
    return client.post(url, {**data, key: value})
