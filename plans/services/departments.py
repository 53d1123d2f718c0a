from django.db import transaction

from plans.models import Department, DepartmentAlias


@transaction.atomic
def department_merge(*, source: Department, into: Department) -> Department:
    """Make ``source`` (a name that turned out to be an alias) part of ``into``: its items, the accounts
    attached to it and its aliases move over, its name becomes an alias, and the row goes.

    Every relation pointing at Department is followed, so accounts (edugov's Profile) move without
    plans knowing about them.
    """
    if source.pk == into.pk:
        return into
    for rel in Department._meta.related_objects:
        if rel.many_to_many:
            for obj in getattr(source, rel.get_accessor_name()).all():
                getattr(obj, rel.field.name).add(into)
        else:
            rel.related_model._default_manager.filter(**{rel.field.name: source}).update(**{rel.field.name: into})
    name = source.name
    source.delete()
    DepartmentAlias.objects.update_or_create(name=name, defaults={"department": into})
    return into


def department_by_name(name: str) -> Department | None:
    """The department a name or an alias stands for."""
    return (Department.objects.filter(name=name).first()
            or Department.objects.filter(aliases__name=name).first())
