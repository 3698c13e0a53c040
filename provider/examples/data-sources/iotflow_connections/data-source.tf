# The Qubitro connections of this tenant, waiting up to a minute for those still opening to settle.
data "iotflow_connections" "qubitro" {
  connector_id           = "actility-http-iot"
  brand                  = "QUBITRO"
  settle_timeout_seconds = 60
}

output "connection_states" {
  value = { for c in data.iotflow_connections.qubitro.connections : c.name => c.state }
}
