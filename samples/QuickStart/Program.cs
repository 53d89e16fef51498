using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

Console.WriteLine("SocialInvestment quick start: see README.md");
var builder = new LifeCourseModelBuilder("tiny");
builder.AddState("Work").AddState("Out").AddState("Dead", absorbing: true)
    .AddPayers(Payer.State).AddSectors(Sector.Benefits);
builder.Probability("Work", "Out", 0.05).Probability("Work", "Dead", 0.001).Remainder("Work", "Work");
builder.Probability("Out", "Work", 0.2).Probability("Out", "Dead", 0.002).Remainder("Out", "Out");
builder.StateFlow("Out", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 250_000);
builder.WithPopulation(Population.StartingIn(20, "Out"));
var model = builder.Build();
var result = CohortEngine.Run(model, Strategy.BusinessAsUsual);
Console.WriteLine($"Discounted cost to the state: {result.TotalCost(Perspective.ForPayer(Payer.State)):N0}");
