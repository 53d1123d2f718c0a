import factory
from django.contrib.auth.models import User

from edugov.models import Profile, Role
from indicators.models import District, School, SchoolType, Town
from plans.models import Department


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345678")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "dongsheng"
    name = "东胜区"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"town{n}")
    name = factory.Sequence(lambda n: f"测试街道{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    town = factory.SubFactory(TownFactory)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"测试学校{n}")
    school_type = SchoolType.PRIMARY
    ownership = "public"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部门{n}")


def user_with_role(username: str, role: str, **binding) -> User:
    user = UserFactory(username=username)
    Profile.objects.create(user=user, role=role, **binding)
    return user


__all__ = ["Role"]
