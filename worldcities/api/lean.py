"""Long lists rendered without DRF's per-row, per-field machinery.

A list of 50 rows through ``Serializer.to_representation`` asks every field of every row for
its attribute and representation, and every link resolves its address again (``reverse()``
and ``build_absolute_uri`` per row and per link). ``LeanListSerializer`` reads the child
serializer's fields once per answer and turns each into a plain reading function: a link's
address is resolved once, with a stand-in value, and each row's own value is put in its
place. Fields it has no faster way for (a method field, a relation read through a manager)
go through DRF as before, so the answer is the same either way; the serializer stays the one
description of the fields (and of the OpenAPI schema).

Use it as ``Meta.list_serializer_class``; a subclass may read some fields its own way
(``readers``), e.g. from what the list's query read with each row."""

from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

# Stand-ins for a lookup value while an address is resolved once: one for addresses that take
# any text, one for those that take a number. Neither occurs in an address by chance.
STAND_INS = ("lean-lookup-value", "918273645546372819")
# What ``django.urls.reverse`` leaves unquoted in a path.
PATH_SAFE = "!$&'()*+,;=/~:@"


@extend_schema_field(OpenApiTypes.STR)
class SitePageField(serializers.HyperlinkedIdentityField):
    """A resource's page on the site (``view_name`` of the site, e.g. ``practices:detail``),
    as a full address; described as a string, as a method field returning
    ``request.build_absolute_uri(obj.get_absolute_url())`` is."""


class _StandIn:
    def __init__(self, name, value):
        self.pk = value
        setattr(self, name, value)


def _link_template(field, request, fmt):
    """The address ``field`` gives any object, as (before, after) its lookup value; None if
    it cannot be put so (the field then resolves each row's address itself)."""
    for stand_in in STAND_INS:
        try:
            url = field.get_url(
                _StandIn(field.lookup_field, stand_in), field.view_name, request, fmt
            )
        except (NoReverseMatch, AttributeError):
            continue
        if url is not None and url.count(stand_in) == 1:
            return tuple(url.split(stand_in))
    return None


def _link_format(field):
    fmt = field.context.get("format")
    if fmt and field.format and field.format != fmt:
        fmt = field.format
    return fmt


def _plain_source(model, source_attrs) -> bool:
    """Whether ``source_attrs`` walks only concrete fields and forward relations of ``model``
    (no method, property or manager, which DRF calls or reads in its own way)."""
    if not source_attrs:
        return False
    for name in source_attrs:
        if model is None:
            return False
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a property or a method
            return False
        if model_field.many_to_many or model_field.one_to_many or not model_field.concrete:
            return False
        model = model_field.related_model
    return True


def _reader(source_attrs):
    first, rest = source_attrs[0], source_attrs[1:]

    def read(obj):
        value = getattr(obj, first)
        for name in rest:
            if value is None:
                return None
            value = getattr(value, name)
        return value

    return read


def _through_drf(field):
    """The field read and shown as ``Serializer.to_representation`` does it."""

    def show(obj):
        attribute = field.get_attribute(obj)
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return show


def _linker(field):
    request = field.context["request"]
    template = _link_template(field, request, _link_format(field))
    if template is None:
        return None
    before, after = template
    lookup = field.lookup_field

    def link(obj):
        if obj.pk in (None, ""):
            return None
        return f"{before}{quote(str(getattr(obj, lookup)), safe=PATH_SAFE)}{after}"

    return link


def row_renderer(serializer, readers=None):
    """A function from an object to what ``serializer.to_representation`` makes of it."""
    if not _as_drf_has_it(serializer, serializers.Serializer, "to_representation"):
        return serializer.to_representation
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    readers = readers or {}
    steps = []
    for field in serializer._readable_fields:
        name = field.field_name
        if name in readers:
            steps.append((name, readers[name], False))
            continue
        steps.append((name, *_step(field, model)))

    def render(obj):
        row = {}
        for name, step, skippable in steps:
            if skippable:
                try:
                    row[name] = step(obj)
                except SkipField:
                    continue
            else:
                row[name] = step(obj)
        return row

    return render


def _as_drf_has_it(field, base, *methods) -> bool:
    """Whether ``field`` reads and shows its value as DRF's ``base`` does (a class that
    overrides one of ``methods`` keeps its own way)."""
    return all(getattr(type(field), name) is getattr(base, name) for name in methods)


def _step(field, model):
    """(function, whether it may raise SkipField) for one field of a serializer of ``model``."""
    plain = _plain_source(model, field.source_attrs)
    faster = None
    if isinstance(field, serializers.HyperlinkedRelatedField):
        if _as_drf_has_it(
            field, serializers.HyperlinkedRelatedField, "to_representation", "get_attribute"
        ):
            if isinstance(field, serializers.HyperlinkedIdentityField):
                faster = _linker(field)
            elif plain and field.lookup_field != "pk":
                faster = _through(field.source_attrs, _linker(field))
    elif isinstance(field, serializers.ListSerializer):
        if _as_drf_has_it(field, serializers.ListSerializer, "to_representation"):
            return _many(field, row_renderer(field.child)), True
    elif isinstance(field, serializers.BaseSerializer):
        if plain and _as_drf_has_it(field, serializers.Serializer, "get_attribute"):
            faster = _through(field.source_attrs, row_renderer(field))
    elif isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
        pass
    elif plain and _as_drf_has_it(field, serializers.Field, "get_attribute"):
        faster = _through(field.source_attrs, field.to_representation)
    if faster is not None:
        return faster, False
    return _through_drf(field), True


def _through(source_attrs, show):
    """Reads ``source_attrs`` and shows what it finds with ``show`` (None stays None)."""
    if show is None:
        return None
    read = _reader(source_attrs)

    def step(obj):
        found = read(obj)
        return None if found is None else show(found)

    return step


def _many(field, render):
    """A nested list (``many=True``): read as DRF reads it, each item rendered by ``render``."""

    def step(obj):
        found = field.get_attribute(obj)
        if found is None:
            return None
        items = found.all() if isinstance(found, models.manager.BaseManager) else found
        return [render(item) for item in items]

    return step


class LeanListSerializer(serializers.ListSerializer):
    """A list whose rows are rendered by ``row_renderer`` (the same values as the child
    serializer's ``to_representation``, fewer calls)."""

    def readers(self) -> dict:
        """Field name → function of a row, for the fields a subclass reads its own way (from
        what its queryset annotates, say); called once per answer."""
        return {}

    def to_representation(self, data):
        rows = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        render = row_renderer(self.child, self.readers())
        return [render(row) for row in rows]
