import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { installApiAuth } from './api/setup'
import { createAppRouter } from './router'
import './styles/index.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = createAppRouter(pinia)
installApiAuth(pinia, router)
app.use(router)
app.use(ElementPlus, { locale: zhCn })
app.mount('#app')
