namespace SdWeb.Api.A1111;

/// <summary>The refusals of <c>/sdapi/v1</c>: 422 problem details whose <c>errors</c> are keyed by the A1111 field to fix.</summary>
public static class A1111Problems
{
    public const string Title = "The request was not accepted.";

    public static IResult Field(string field, string message) => Fields(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Fields(IDictionary<string, string[]> errors) => Results.ValidationProblem(errors, statusCode: 422, title: Title);
}
