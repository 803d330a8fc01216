"""Forms of the web pages, by area: they parse and check input; services make the change."""
