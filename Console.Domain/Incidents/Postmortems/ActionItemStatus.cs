namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>Where an action item stands; Done is what closing it means.</summary>
public enum ActionItemStatus { Open, InProgress, Done }
