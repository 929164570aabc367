namespace SdWeb.Tests.Devices;

/// <summary>Tests of process-wide garbage-collection modes run alone: other tests' allocations would end their regions.</summary>
[CollectionDefinition("GarbageCollectionState", DisableParallelization = true)]
public sealed class GarbageCollectionStateCollection;
