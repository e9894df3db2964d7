"""Pure helpers two or more apps need, below every app on the map (STYLE.md §1): spintax rendering and
phone normalisation. Nothing here imports a Sebar app; it may use config's infrastructure."""
