namespace SocialInvestment.Model;

/// <summary>
/// A view that selects and nets flows. A perspective is a linear rule: each account gets a
/// coefficient, and the perspective's net cost is <c>Σ coefficient·flow</c> (positive = cost).
/// Society counts resource costs and production of every payer, nets out transfers, and adds the
/// tax financing cost λ on the net change of public budgets (all kinds of flow of public payers).
/// </summary>
public sealed class Perspective
{
    private readonly Func<Account, double> _coefficient;

    private Perspective(string name, Func<Account, double> coefficient)
    {
        Name = name;
        _coefficient = coefficient;
    }

    /// <summary>Name for reports.</summary>
    public string Name { get; }

    /// <summary>One payer's budget (all kinds of flow), including its sub-payers (payers whose <see cref="Payer.Parent"/> is this payer).</summary>
    /// <param name="payer">The payer.</param>
    public static Perspective ForPayer(Payer payer)
    {
        ArgumentNullException.ThrowIfNull(payer);
        return new Perspective(payer.Name, a => a.Payer.Name == payer.Name || a.Payer.Parent == payer.Name ? 1.0 : 0.0);
    }

    /// <summary>The public sector as a whole: every public payer, all kinds of flow (transfers between public payers cancel).</summary>
    public static Perspective PublicSector { get; } = new("public sector", a => a.Payer.IsPublic ? 1.0 : 0.0);

    /// <summary>The individual or household: <see cref="Payer.Individual"/>'s flows of all kinds.</summary>
    public static Perspective Individual { get; } = ForPayer(Payer.Individual);

    /// <summary>
    /// Society: resource costs and production of every payer (transfers netted out), plus
    /// <paramref name="taxFinancingCost"/> × the net change in public budgets. Norway's R-109/2021
    /// uses 0.2 (20 %).
    /// </summary>
    /// <param name="taxFinancingCost">Marginal cost of public funds λ, ≥ 0 (0.2 for Norway).</param>
    public static Perspective Society(double taxFinancingCost = 0.2)
    {
        Guard.NonNegativeFinite(taxFinancingCost);
        return new Perspective(
            taxFinancingCost == 0 ? "society" : FormattableString.Invariant($"society (tax financing cost {taxFinancingCost:P0})"),
            a => (a.Kind == FlowKind.Transfer ? 0.0 : 1.0) + (a.Payer.IsPublic ? taxFinancingCost : 0.0));
    }

    /// <summary>Health-care style perspective: resource costs of every payer, nothing else.</summary>
    public static Perspective ResourceCosts { get; } = new("resource costs", a => a.Kind == FlowKind.ResourceCost ? 1.0 : 0.0);

    /// <summary>A custom perspective.</summary>
    /// <param name="name">Name.</param>
    /// <param name="coefficient">Coefficient for each account (1 to count it, 0 to ignore it).</param>
    public static Perspective Custom(string name, Func<Account, double> coefficient)
    {
        Guard.NotEmpty(name);
        ArgumentNullException.ThrowIfNull(coefficient);
        return new Perspective(name, coefficient);
    }

    /// <summary>The coefficient of an account.</summary>
    /// <param name="account">The account.</param>
    public double Coefficient(Account account) => _coefficient(account);

    /// <summary>The coefficients of a list of accounts.</summary>
    /// <param name="accounts">The accounts.</param>
    public double[] Coefficients(IReadOnlyList<Account> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var c = new double[accounts.Count];
        for (var i = 0; i < c.Length; i++)
        {
            c[i] = _coefficient(accounts[i]);
        }

        return c;
    }

    /// <summary>The standard set for a model: each declared payer, the public sector, and society with the given λ.</summary>
    /// <param name="model">The model.</param>
    /// <param name="taxFinancingCost">λ for the society perspective.</param>
    public static IReadOnlyList<Perspective> StandardSet(LifeCourseModel model, double taxFinancingCost = 0.2)
    {
        ArgumentNullException.ThrowIfNull(model);
        var list = model.Payers.Where(p => p.Parent is null).Select(ForPayer).ToList();
        list.Add(PublicSector);
        list.Add(Society(taxFinancingCost));
        return list;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
