variable "qubitro_webhook_signing_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

# Uplinks of a ThingPark tenant forwarded to a Qubitro project over HTTPS.
resource "iotflow_connection" "farm_uplinks" {
  name         = "Farm uplinks"
  connector_id = "actility-http-iot"
  brand        = "QUBITRO"
  configuration = jsonencode({
    destinationURL = "https://webhook.qubitro.com/integrations/actility"
    headers = {
      projectId = "aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4"
    }
  })
  # Merged into configuration on every create and update; never stored in state or plan.
  secrets_wo = {
    "headers.webhookSigningKey" = var.qubitro_webhook_signing_key
  }
}
