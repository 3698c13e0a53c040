# An existing connection, by the id the IoT Flow API gave it.
tofu import iotflow_connection.farm_uplinks 1114
