namespace SdWeb.Components.Generate;

/// <summary>The server's validation messages for some of a request's fields, as one line under the controls that set them.</summary>
public static class FormErrors
{
    public static string? Of(IReadOnlyDictionary<string, string[]> errors, params string[] fields)
    {
        var messages = fields.Where(errors.ContainsKey).SelectMany(f => errors[f]).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
