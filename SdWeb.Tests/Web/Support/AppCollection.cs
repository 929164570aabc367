namespace SdWeb.Tests.Web.Support;

/// <summary>Tests that share one in-process app (and must not run beside tests that change the process environment).</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<SdWebApp>
{
    public const string Name = "SdWeb app";
}
