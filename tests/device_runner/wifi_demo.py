import network
from microdot import Microdot

def connect_wifi():
    wlan = network.WLAN(network.STA_IF)
    if not wlan.isconnected():
        wlan.connect('ssid', 'password')
        while not wlan.isconnected():
            pass
    print('network config:', wlan.ifconfig())

app = Microdot()

@app.route('/users/active')
def active_users(request):
    return 'Active users: Susan, Joe, and Bob'

@app.route('/')
def index(request):
    return 'Hello, World Microdot!'

connect_wifi()
app.run(port=80)
