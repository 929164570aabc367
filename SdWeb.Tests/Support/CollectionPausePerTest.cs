using System.Collections.Concurrent;
using System.Reflection;
using SdWeb.Engine.Devices;
using SdWeb.Tests.Devices;
using SdWeb.Tests.Support;
using Xunit.Sdk;

[assembly: CollectionPausePerTest]

namespace SdWeb.Tests.Support;

/// <summary>
/// Runs every test inside a <see cref="CollectionPause"/>, as the app runs every generation. Tests call TorchSharp ops
/// outside the pipeline (component goldens, schedulers, tensor asserts), and a collection that another test's thread
/// starts meanwhile can let a finalizer free a scalar under such an op (CI met libtorch's "Expected false to be true" in
/// a scheduler constructor). Tests of the collection modes themselves run alone and unpaused.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class CollectionPausePerTestAttribute : BeforeAfterTestAttribute
{
    // Pauses are interchangeable (each ends one hold), so After may end any pause that a Before started.
    private static readonly ConcurrentBag<CollectionPause> Pauses = [];

    public override void Before(MethodInfo methodUnderTest)
    {
        if (!TestsCollectionModes(methodUnderTest)) Pauses.Add(CollectionPause.Start());
    }

    public override void After(MethodInfo methodUnderTest)
    {
        if (!TestsCollectionModes(methodUnderTest) && Pauses.TryTake(out var pause)) pause.Dispose();
    }

    private static bool TestsCollectionModes(MethodInfo method) =>
        method.ReflectedType?.CustomAttributes.Any(attribute =>
            attribute.AttributeType == typeof(CollectionAttribute)
            && attribute.ConstructorArguments is [{ Value: GarbageCollectionStateCollection.Name }]) == true;
}
