using Microsoft.OpenApi;

namespace OpsConsole.Web.Api;

public static class JsonRequestBody
{
    /// <summary>
    /// Describes a JSON request body in OpenAPI without <c>.Accepts</c>, which would also make routing answer other content
    /// types with a bare 415 where this API answers problem details (see <see cref="JsonBodyReader"/>).
    /// </summary>
    public static RouteHandlerBuilder DescribesJsonBody<T>(this RouteHandlerBuilder builder, string description, bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
        {
            Required = required,
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) },
            },
        });
}
