using System.Net;

namespace SdWeb.Engine.Loading.Hub;

/// <summary>
/// Reads why the hub refused a file. Its status alone does not say: huggingface.co answers 401 both for a missing
/// repository and for a private or gated one when no token is sent, and 404 for a missing repository, revision or file.
/// The X-Error-Code header tells them apart, as huggingface_hub's <c>hf_raise_for_status</c> reads it.
/// </summary>
internal static class HubError
{
    public const string EntryNotFound = "EntryNotFound";
    public const string RepoNotFound = "RepoNotFound";
    public const string RevisionNotFound = "RevisionNotFound";
    public const string GatedRepo = "GatedRepo";

    public static string? CodeOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;

    /// <summary>A message for a 401, 403 or 404 that is not simply a missing file: what it was and what to do.</summary>
    public static string Explain(string repo, string file, string revision, HttpResponseMessage response, bool hasToken)
    {
        int status = (int)response.StatusCode;
        var code = CodeOf(response);
        return code switch
        {
            GatedRepo when hasToken =>
                $"{repo}: the repository is gated and the access token may not read it yet ({status} {code}). " +
                "Accept its terms on huggingface.co with the account HF_TOKEN belongs to.",
            GatedRepo =>
                $"{repo}: the repository is gated ({status} {code}). Accept its terms on huggingface.co and set HF_TOKEN to an access token.",
            RevisionNotFound => $"{repo}: the repository has no revision '{revision}' ({status} {code}); check the revision.",
            _ when response.StatusCode == HttpStatusCode.Forbidden =>
                $"{repo}: the hub refused {file} ({status}); the access token in HF_TOKEN may not read this repository.",
            _ when response.StatusCode == HttpStatusCode.NotFound =>
                $"{repo}: the hub has no repository of that name ({status} {code ?? "Not Found"}); check the name.{Moved(repo)}",
            _ when hasToken =>
                $"{repo}: the hub did not accept the access token ({status} {code ?? "Unauthorized"}); check HF_TOKEN and the name.{Moved(repo)}",
            _ =>
                $"{repo}: the hub has no public repository of that name ({status} {code ?? "Unauthorized"}). Check the name; " +
                $"if the repository is private, set HF_TOKEN to an access token that can read it.{Moved(repo)}",
        };
    }

    private static string Moved(string repo) => MovedRepositories.NewNameOf(repo) is { } now
        ? $" {repo} was deleted from the hub in September 2024; the same model lives on as {now}: download that instead."
        : "";
}
