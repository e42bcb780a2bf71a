"""Importers: turn an ERP export (SAP, Odoo, ERPNext) or a plant's own spreadsheet into a
contract dataset folder, with a report of what was mapped, guessed and dropped.

They sit beside the domain tools and depend only on the dataset layer and core: an import
is judged by the same validation every command uses (`stockwise check`)."""
