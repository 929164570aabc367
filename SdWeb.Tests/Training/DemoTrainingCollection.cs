namespace SdWeb.Tests.Training;

/// <summary>
/// The demo-training tests run alone: training sets process-wide libtorch state (the thread count, and the CPU kernel
/// libraries its diffusion steps use), which other tests running at the same time would otherwise pick up.
/// </summary>
[CollectionDefinition("DemoTraining", DisableParallelization = true)]
public sealed class DemoTrainingCollection;
