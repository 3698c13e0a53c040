terraform {
  required_providers {
    iotflow = {
      source  = "thingpark-qubitro/iotflow"
      version = "0.2.0"
    }
  }
}

# The client secret comes in through an ephemeral variable: it is in no state and no plan.
variable "thingpark_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "iotflow" {
  base_url      = "https://community.thingpark.io/iot-flow/v1"
  client_id     = "my-service-account"
  client_secret = var.thingpark_client_secret
}
