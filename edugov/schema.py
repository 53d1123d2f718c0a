"""The OpenAPI schema names the errors each operation can answer, not only its success.

DRF answers every refusal through its exception handler with ``{"detail": "…"}``: 401 without a live
token (token authentication comes first, so it is 401 and not 403), 403 for a role that may not, 404 for
an object the user may not see or a page past the end, 429 past the throttle. A 400 is a field → messages
object (a serializer or a filter), a list of messages when a service refuses as a whole, or a
``{"detail": …}``. Rather than repeat this on every view, ``ErrorAutoSchema`` (``DEFAULT_SCHEMA_CLASS``)
adds each that can happen; a view declares its own where the shape differs (``reports.api``)."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

VALIDATION_ERROR = {
    "oneOf": [
        {"type": "object", "additionalProperties": {}, "description": "字段名 → 错误信息列表,或 detail"},
        {"type": "array", "items": {"type": "string"}, "description": "错误信息列表"},
    ],
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


_DESCRIPTIONS = {
    "400": "请求有误",
    "401": "未登录,或令牌无效、已过期",
    "403": "无权执行此操作",
    "404": "不存在、无权查看,或页码超出范围",
    "429": "请求过于频繁",
}


class ErrorAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            responses = operation["responses"]
            for code in self._error_codes(operation):
                responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code in _DESCRIPTIONS and "content" not in response:
                    response.update(self._error_body(code, response.get("description")))
        return operation

    def _error_codes(self, operation) -> list[str]:
        # 400 everywhere: besides bodies and filters, a service refuses a bodiless action (submit without the
        # required values), and edugov.middleware refuses a NUL anywhere in any request
        codes = ["400"]
        queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        if self.view.get_authenticators() and self.view.get_permissions():
            codes += ["401", "403"]
        if "{" in self.path or "page" in queries:
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _error_body(self, code: str, description: str | None) -> dict:
        body = VALIDATION_ERROR if code == "400" else ErrorSerializer
        return self._get_response_for_code(OpenApiResponse(body, description=description or _DESCRIPTIONS[code]),
                                           code)
