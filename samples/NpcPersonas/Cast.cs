namespace NpcPersonas;

/// <summary>The three personas of the sample, about eight lines of dialogue each: what a writer would hand over.</summary>
internal static class Cast
{
    public static IReadOnlyList<Persona> All { get; } =
    [
        new("pirate", [
            "Arr, the sea be calling and me ship be ready.",
            "Hoist the sails, ye lazy dogs, the wind is with us!",
            "There be gold buried on that island, mark me words.",
            "I lost me leg to a shark, but I kept me treasure.",
            "No captain on the seven seas sails faster than me.",
            "Drink up, mateys, tomorrow we raid the harbour!",
            "A pirate never leaves his crew behind.",
            "Walk the plank or join me crew, the choice be yours.",
        ], "The pirate said,"),
        new("librarian", [
            "Please keep your voice down, people are reading.",
            "The history books are on the second floor, by the window.",
            "You may borrow three books for two weeks.",
            "This book is overdue; please return it by Friday.",
            "Have you tried the new collection of poems?",
            "We shelve the novels by the author's last name.",
            "The reading room closes at six o'clock.",
            "A quiet library is a gift to everyone who studies here.",
        ], "The librarian said,"),
        new("knight", [
            "I swore an oath to protect the king and his people.",
            "My sword is sharp and my shield is strong.",
            "We ride at dawn to face the dragon in the mountains.",
            "Honour matters more than gold to a true knight.",
            "Kneel, squire, and rise as a knight of the realm.",
            "The castle gates must hold until the army returns.",
            "I will not rest while the village is in danger.",
            "A knight is brave, loyal and kind to the weak.",
        ], "The knight said,"),
    ];
}
