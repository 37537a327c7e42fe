"""CRM exports (HubSpot, Pipedrive, Salesforce, Odoo): the shared reader and one source plugin per CRM."""
