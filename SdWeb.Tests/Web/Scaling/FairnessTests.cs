using SdWeb.Scaling.Capacity;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>The simulation's fairness figure on claim orders worked out by hand.</summary>
[Layer(Layer.Web)]
public class FairnessTests
{
    private static readonly Dictionary<string, int> TwoEach = new() { ["a"] = 2, ["b"] = 2 };

    [Fact]
    public void RoundRobinStaysWithinHalfATurnOfTheIdeal()
    {
        // After 1 claim the ideal is half a job each: a is half a job ahead, b half behind.
        Assert.Equal(0.5, Fairness.MaxDeviation(["a", "b", "a", "b"], TwoEach));
    }

    [Fact]
    public void ServingOneUserTwiceInARowIsAWholeTurnAhead()
    {
        // After 2 claims the ideal is one each; a has 2, b none.
        Assert.Equal(1.0, Fairness.MaxDeviation(["a", "a", "b", "b"], TwoEach));
    }

    [Fact]
    public void AUserWithFewerJobsIsIdealOnceTheyAreAllDone()
    {
        var shares = new Dictionary<string, int> { ["a"] = 3, ["b"] = 1 };
        // After b's only job, ideal round-robin has only a left: a a after a b is exactly the ideal.
        Assert.Equal(0.5, Fairness.MaxDeviation(["a", "b", "a", "a"], shares));
        Assert.Equal(0.5, Fairness.WaterLevel(1, shares.Values));
        Assert.Equal(2.0, Fairness.WaterLevel(3, shares.Values));
    }
}
