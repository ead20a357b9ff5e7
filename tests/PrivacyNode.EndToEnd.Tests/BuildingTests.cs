namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Tests that build the product (a package, a previous release) take both cores for a minute or more: they run on their own, after
/// the parallel tests, so that they do not starve the timed ones (the browser's, the crash cases').
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildingTests
{
    public const string Name = "Building";
}
