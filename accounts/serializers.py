from django.conf import settings
from rest_framework import serializers

from accounts.models import RoleChange, User, phone_validator
from accounts.roles import Role
from core.serializers import Email, ModelSerializer, Serializer, Text, TextMatching


def PHONE() -> TextMatching:  # noqa: N802 - a field factory, read like the fields it makes
    """A phone number as the account's own validator takes it (accounts.models.phone_validator)."""
    return TextMatching(
        regex=phone_validator.regex,
        max_length=32,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        error_messages={"invalid": phone_validator.message},
    )


class TokenRequestSerializer(Serializer):
    email = Email(max_length=254)
    password = Text(trim_whitespace=False, max_length=4096, style={"input_type": "password"})


class TokenSerializer(Serializer):
    token = serializers.CharField(read_only=True)


class UserSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "preferred_language",
            "roles",
            "is_active",
            "date_joined",
        ]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        # Reads the prefetched groups, so a list of users costs one query for all their roles.
        return sorted(group.name for group in user.groups.all())


class ProfileUpdateSerializer(Serializer):
    full_name = Text(max_length=200)
    phone = PHONE()
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES)


class StaffUserCreateSerializer(Serializer):
    email = Email(max_length=254)
    full_name = Text(max_length=200)
    phone = PHONE()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), min_length=1, max_length=7
    )


class RoleChangeRequestSerializer(Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    reason = Text(max_length=500, allow_blank=True, required=False, default="")


class RoleChangeSerializer(ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RoleChange
        fields = ["id", "role", "action", "actor", "reason", "created_at"]
        read_only_fields = fields
