namespace SdWeb.Tests.Web.Hardening;

/// <summary>Tests that start real app processes run one at a time, so they do not fight over the CPU.</summary>
[CollectionDefinition(Name)]
public sealed class LiveAppCollection
{
    public const string Name = "Live app processes";
}
