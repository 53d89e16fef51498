namespace SocialInvestment.Model;

/// <summary>
/// A pluggable component that contributes flows to a model: a table of unit costs, an
/// earnings-and-tax model, benefit rules, or a user's own class. Its flows are compiled once into
/// dense arrays; the cycle loop never calls back into it.
/// </summary>
public interface ISectorCostModel
{
    /// <summary>A name for reports and error messages.</summary>
    string Name { get; }

    /// <summary>The flows this component contributes (state names must exist in the model).</summary>
    IEnumerable<FlowDefinition> GetFlows();
}

/// <summary>One row of a unit-cost table.</summary>
/// <param name="State">The state the cost is paid for, per person-cycle.</param>
/// <param name="Account">Payer, sector and kind.</param>
/// <param name="Amount">Amount per person-cycle (positive = cost to the payer).</param>
/// <param name="MinAge">Lowest age (inclusive) at which it applies.</param>
/// <param name="MaxAge">Age (exclusive) from which it no longer applies.</param>
/// <param name="PriceYear">Price year of the amount; null for the model's.</param>
/// <param name="Source">Where the figure comes from.</param>
public sealed record UnitCost(string State, Account Account, double Amount, double MinAge = double.NegativeInfinity, double MaxAge = double.PositiveInfinity, int? PriceYear = null, string? Source = null);

/// <summary>A table of unit costs per person-cycle by state, account and age band.</summary>
/// <param name="rows">The rows.</param>
/// <param name="name">A name for reports.</param>
public sealed class UnitCostTable(IEnumerable<UnitCost> rows, string name = "unit costs") : ISectorCostModel
{
    private readonly UnitCost[] _rows = rows?.ToArray() ?? throw new ArgumentNullException(nameof(rows));

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The rows.</summary>
    public IReadOnlyList<UnitCost> Rows => _rows;

    /// <inheritdoc />
    public IEnumerable<FlowDefinition> GetFlows()
    {
        foreach (var row in _rows)
        {
            var r = row;
            yield return new FlowDefinition
            {
                Trigger = FlowTrigger.StateOccupancy,
                FromState = r.State,
                Account = r.Account,
                Amount = (in ModelContext c) => c.Age >= r.MinAge && c.Age < r.MaxAge ? r.Amount : 0.0,
                PriceYear = r.PriceYear,
                Source = r.Source,
            };
        }
    }
}

/// <summary>How income tax is split between municipality, county and state; shares must sum to 1.</summary>
/// <param name="Municipality">Share to the municipality.</param>
/// <param name="County">Share to the county.</param>
/// <param name="State">Share to the state.</param>
public sealed record TaxSplit(double Municipality, double County, double State)
{
    /// <summary>
    /// Norway, approximate split of personal income tax: about 35 % to municipality and county
    /// together and 65 % to the state (SSB 2022, as summarised in eng/norway-default/norway-figures.md);
    /// taken here as 28 % municipality, 7 % county, 65 % state.
    /// </summary>
    public static TaxSplit Norway { get; } = new(0.28, 0.07, 0.65);
}

/// <summary>
/// Earnings from work and the income tax on them. For every person-cycle in a work state it books:
/// production <c>−E(age)</c> to the individual (value created, a gain), income tax
/// <c>+t·E</c> to the individual (a transfer out) and <c>−t·E·share</c> to municipality, county
/// and state (a transfer in).
/// </summary>
public sealed class EarningsAndTaxModel : ISectorCostModel
{
    /// <summary>Creates the model.</summary>
    /// <param name="workStates">States in which people earn.</param>
    /// <param name="annualEarnings">Gross annual earnings by age.</param>
    /// <param name="taxRate">Average tax rate on earnings, in [0, 1].</param>
    /// <param name="split">How tax is shared between public payers.</param>
    /// <param name="priceYear">Price year of the earnings; null for the model's.</param>
    /// <param name="source">Where the figures come from.</param>
    public EarningsAndTaxModel(IEnumerable<string> workStates, AgeSchedule annualEarnings, double taxRate, TaxSplit split, int? priceYear = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(workStates);
        ArgumentNullException.ThrowIfNull(annualEarnings);
        ArgumentNullException.ThrowIfNull(split);
        Guard.Probability(taxRate);
        if (Math.Abs(split.Municipality + split.County + split.State - 1) > 1e-9)
        {
            throw new ArgumentException("Tax shares must sum to 1.", nameof(split));
        }

        WorkStates = ReadOnly.Copy(workStates);
        AnnualEarnings = annualEarnings;
        TaxRate = taxRate;
        Split = split;
        PriceYear = priceYear;
        Source = source;
    }

    /// <inheritdoc />
    public string Name => "earnings and tax";

    /// <summary>States in which people earn.</summary>
    public IReadOnlyList<string> WorkStates { get; }

    /// <summary>Gross annual earnings by age.</summary>
    public AgeSchedule AnnualEarnings { get; }

    /// <summary>Average tax rate.</summary>
    public double TaxRate { get; }

    /// <summary>Tax split.</summary>
    public TaxSplit Split { get; }

    /// <summary>Price year.</summary>
    public int? PriceYear { get; }

    /// <summary>Source.</summary>
    public string? Source { get; }

    /// <inheritdoc />
    public IEnumerable<FlowDefinition> GetFlows()
    {
        var earnings = AnnualEarnings;
        var tax = TaxRate;
        foreach (var state in WorkStates)
        {
            yield return Flow(state, new Account(Payer.Individual, Sector.Employment, FlowKind.Production), -1.0);
            yield return Flow(state, new Account(Payer.Individual, Sector.Taxation, FlowKind.Transfer), tax);
            yield return Flow(state, new Account(Payer.Municipality, Sector.Taxation, FlowKind.Transfer), -tax * Split.Municipality);
            yield return Flow(state, new Account(Payer.County, Sector.Taxation, FlowKind.Transfer), -tax * Split.County);
            yield return Flow(state, new Account(Payer.State, Sector.Taxation, FlowKind.Transfer), -tax * Split.State);
        }

        FlowDefinition Flow(string state, Account account, double factor) => new()
        {
            Trigger = FlowTrigger.StateOccupancy,
            FromState = state,
            Account = account,
            Amount = (in ModelContext c) => factor * earnings[c.Age] * c.CycleLengthYears,
            PriceYear = PriceYear,
            Source = Source,
        };
    }
}

/// <summary>
/// A cash benefit paid while in a state: either a share of a base amount (Norway's G) or a share of
/// the earnings the person would have had (earnings by age as the proxy for prior earnings), capped.
/// Books <c>+B</c> to the paying payer (a transfer out), <c>−B</c> to the individual, and the tax on
/// the benefit (<c>t·B</c>) from the individual to the public payers.
/// </summary>
public sealed class BenefitModel : ISectorCostModel
{
    private BenefitModel(string state, Func<double, double> annualAmount, Payer payer, double taxRate, TaxSplit split, int? priceYear, string? source)
    {
        Guard.NotEmpty(state);
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(split);
        Guard.Probability(taxRate);
        State = state;
        AnnualAmount = annualAmount;
        PayingPayer = payer;
        TaxRate = taxRate;
        Split = split;
        PriceYear = priceYear;
        Source = source;
    }

    /// <summary>A benefit of <c>share × baseAmount</c> per year.</summary>
    /// <param name="state">The state in which it is paid.</param>
    /// <param name="share">Multiple of the base amount (2.0 = 2G).</param>
    /// <param name="baseAmount">The base amount (G) per year.</param>
    /// <param name="payer">Who pays (default the state).</param>
    /// <param name="taxRate">Average tax rate on the benefit.</param>
    /// <param name="split">Split of that tax (default <see cref="TaxSplit.Norway"/>).</param>
    /// <param name="priceYear">Price year.</param>
    /// <param name="source">Source.</param>
    public static BenefitModel ShareOfBaseAmount(string state, double share, double baseAmount, Payer? payer = null, double taxRate = 0, TaxSplit? split = null, int? priceYear = null, string? source = null)
    {
        Guard.NonNegativeFinite(share);
        Guard.NonNegativeFinite(baseAmount);
        return new BenefitModel(state, _ => share * baseAmount, payer ?? Payer.State, taxRate, split ?? TaxSplit.Norway, priceYear, source);
    }

    /// <summary>A benefit of <c>min(rate × E(age), cap)</c> per year.</summary>
    /// <param name="state">The state in which it is paid.</param>
    /// <param name="replacementRate">Share of prior earnings.</param>
    /// <param name="priorEarnings">Earnings by age used as prior earnings.</param>
    /// <param name="cap">Maximum per year (for example 6G × rate).</param>
    /// <param name="payer">Who pays (default the state).</param>
    /// <param name="taxRate">Average tax rate on the benefit.</param>
    /// <param name="split">Split of that tax (default <see cref="TaxSplit.Norway"/>).</param>
    /// <param name="priceYear">Price year.</param>
    /// <param name="source">Source.</param>
    public static BenefitModel ShareOfEarnings(string state, double replacementRate, AgeSchedule priorEarnings, double cap = double.PositiveInfinity, Payer? payer = null, double taxRate = 0, TaxSplit? split = null, int? priceYear = null, string? source = null)
    {
        Guard.NonNegativeFinite(replacementRate);
        ArgumentNullException.ThrowIfNull(priorEarnings);
        return new BenefitModel(state, age => Math.Min(replacementRate * priorEarnings[age], cap), payer ?? Payer.State, taxRate, split ?? TaxSplit.Norway, priceYear, source);
    }

    /// <inheritdoc />
    public string Name => $"benefit in {State}";

    /// <summary>The state in which the benefit is paid.</summary>
    public string State { get; }

    /// <summary>Annual amount by age.</summary>
    public Func<double, double> AnnualAmount { get; }

    /// <summary>Who pays.</summary>
    public Payer PayingPayer { get; }

    /// <summary>Tax rate on the benefit.</summary>
    public double TaxRate { get; }

    /// <summary>Tax split.</summary>
    public TaxSplit Split { get; }

    /// <summary>Price year.</summary>
    public int? PriceYear { get; }

    /// <summary>Source.</summary>
    public string? Source { get; }

    /// <inheritdoc />
    public IEnumerable<FlowDefinition> GetFlows()
    {
        yield return Flow(new Account(PayingPayer, Sector.Benefits, FlowKind.Transfer), 1.0);
        yield return Flow(new Account(Payer.Individual, Sector.Benefits, FlowKind.Transfer), -1.0);
        if (TaxRate > 0)
        {
            yield return Flow(new Account(Payer.Individual, Sector.Taxation, FlowKind.Transfer), TaxRate);
            yield return Flow(new Account(Payer.Municipality, Sector.Taxation, FlowKind.Transfer), -TaxRate * Split.Municipality);
            yield return Flow(new Account(Payer.County, Sector.Taxation, FlowKind.Transfer), -TaxRate * Split.County);
            yield return Flow(new Account(Payer.State, Sector.Taxation, FlowKind.Transfer), -TaxRate * Split.State);
        }

        FlowDefinition Flow(Account account, double factor)
        {
            var amount = AnnualAmount;
            return new FlowDefinition
            {
                Trigger = FlowTrigger.StateOccupancy,
                FromState = State,
                Account = account,
                Amount = (in ModelContext c) => factor * amount(c.Age) * c.CycleLengthYears,
                PriceYear = PriceYear,
                Source = Source,
            };
        }
    }
}
